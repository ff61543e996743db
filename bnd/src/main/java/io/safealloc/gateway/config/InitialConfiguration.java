package io.safealloc.gateway.config;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.safealloc.api.AllocatorConstants;

/**
 * Applies the gateway's initial configuration at every start, by the {@link PrecedenceRule}: the
 * {@code --config} file (framework property {@value #CONFIG}) wins for what it sets; runtime changes
 * are kept otherwise; without {@code --config} the embedded defaults ({@value #DEFAULTS}) fill in; an
 * earlier file's values are withdrawn. Then logs where each allocator value came from
 * ({@link SettingsLine}).
 *
 * <p>Why not the OSGi Configurator, which the gateway carries: it applies an initial file once per
 * file content, keeps the values of an earlier file for the same PID, and never tells which value
 * is in force or why (issue 12, item 11). This component activates at start level 1, with Config
 * Admin, so the configurations are in place before the SafeAlloc bundles (level 2) start.
 *
 * <p>Thread-safety: DS calls {@link #activate} once; nothing is kept afterwards.
 */
@Component(immediate = true, service = {})
public class InitialConfiguration {

    /** Framework property: the operator's configuration, JSON text or comma-separated URLs (the script's {@code --config}). */
    public static final String CONFIG = "safealloc.gateway.config";
    /** Framework property: the JSON text of the embedded defaults. */
    public static final String DEFAULTS = "safealloc.gateway.defaults";

    private static final String RECORD_FILE = "applied-configuration.properties";
    private static final Set<String> IDENTITY_KEYS = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION);
    private static final Logger LOG = System.getLogger("io.safealloc.gateway");

    @Reference
    private ConfigurationAdmin admin;

    @Activate
    void activate(BundleContext context) {
        try {
            apply(context);
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            // The stored configuration stays as it was: better the last known state than a half-applied file.
            LOG.log(Level.ERROR, "initial configuration not applied, the stored one is used: {0}", String.valueOf(e));
        }
    }

    private void apply(BundleContext context) throws IOException, InvalidSyntaxException {
        String config = context.getProperty(CONFIG);
        String defaults = context.getProperty(DEFAULTS);
        if (config == null && defaults == null) {
            return; // not started by the gateway launcher: leave configuration to others
        }
        boolean fromConfig = config != null;
        Map<String, Map<String, Sourced>> initial = fromConfig ? ConfigurationText.readConfig(config)
                : ConfigurationText.readDefaults(defaults);
        Path recordFile = context.getDataFile(RECORD_FILE).toPath();
        AppliedRecord record = AppliedRecord.load(recordFile);

        Set<String> pids = new LinkedHashSet<>(initial.keySet());
        record.pids().forEach(pids::add);
        pids.add(AllocatorConstants.PID); // always reported, configured or not
        Map<String, Sourced> allocator = Map.of();
        for (String pid : pids) {
            Configuration stored = find(pid);
            PrecedenceRule.Decision decision = PrecedenceRule.decide(initial.getOrDefault(pid, Map.of()), fromConfig,
                    properties(stored), record.of(pid));
            store(pid, stored, decision.values());
            record.replace(pid, decision.record());
            if (pid.equals(AllocatorConstants.PID)) {
                allocator = decision.values();
            }
        }
        record.save(recordFile);
        LOG.log(Level.INFO, SettingsLine.of(allocator));
    }

    private Configuration find(String pid) throws IOException, InvalidSyntaxException {
        Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        return found == null || found.length == 0 ? null : found[0];
    }

    private static Map<String, Object> properties(Configuration stored) {
        Map<String, Object> values = new LinkedHashMap<>();
        Dictionary<String, Object> properties = stored == null ? null : stored.getProperties();
        if (properties != null) {
            for (String key : Collections.list(properties.keys())) {
                if (!IDENTITY_KEYS.contains(key)) {
                    values.put(key, properties.get(key));
                }
            }
        }
        return values;
    }

    private void store(String pid, Configuration stored, Map<String, Sourced> values) throws IOException {
        if (values.isEmpty()) {
            if (stored != null) {
                stored.delete();
                LOG.log(Level.DEBUG, "configuration {0} withdrawn: no source gives it any more", pid);
            }
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        values.forEach((key, value) -> properties.put(key, value.value()));
        Configuration target = stored != null ? stored : create(pid);
        // Only a real change reaches the components: an unchanged start must not re-activate them.
        target.updateIfDifferent(properties);
    }

    /** Multi-location ("?"): any bundle may receive it, as the Configurator creates configurations. */
    private Configuration create(String pid) throws IOException {
        int factory = pid.indexOf('~');
        return factory > 0 ? admin.getFactoryConfiguration(pid.substring(0, factory), pid.substring(factory + 1), "?")
                : admin.getConfiguration(pid, "?");
    }
}
