package io.safealloc.gateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.cm.json.io.ConfigurationReader;
import org.apache.felix.cm.json.io.ConfigurationResource;
import org.apache.felix.cm.json.io.Configurations;

/**
 * Reads OSGi Configurator JSON (typed keys such as {@code "limit:Long"}, comments, factory PIDs
 * {@code "pid~name"}) with Felix cm.json, the reader of the same format, into plain maps tagged with
 * their source. {@code :configurator:} keys are read and ignored: at the gateway a file always wins
 * for what it sets (docs/gateway.md, "Which value wins"), so ranking and policy have nothing to decide.
 *
 * <p>Stateless; thread-safe.
 */
final class ConfigurationText {

    private ConfigurationText() {
    }

    /**
     * @param initial JSON text, or comma-separated URLs (as {@code configurator.initial} takes them)
     * @return per PID, per key, the value and its source; later files win for the keys they repeat
     * @throws IOException naming the file that cannot be read or parsed
     */
    static Map<String, Map<String, Sourced>> readConfig(String initial) throws IOException {
        Map<String, Map<String, Sourced>> merged = new LinkedHashMap<>();
        String trimmed = initial.trim();
        if (trimmed.startsWith("{")) {
            merge(merged, read("the configurator.initial text", trimmed), "--config text");
            return merged;
        }
        for (String location : trimmed.split(",")) {
            if (!location.isBlank()) {
                merge(merged, read(location.trim(), fetch(location.trim())), Sources.configFile(location.trim()));
            }
        }
        return merged;
    }

    /** @return the embedded defaults, each value tagged {@link Sources#DEFAULTS} */
    static Map<String, Map<String, Sourced>> readDefaults(String json) throws IOException {
        Map<String, Map<String, Sourced>> defaults = new LinkedHashMap<>();
        merge(defaults, read("the embedded defaults", json), Sources.DEFAULTS);
        return defaults;
    }

    private static void merge(Map<String, Map<String, Sourced>> into, Map<String, Hashtable<String, Object>> pids,
            String source) {
        pids.forEach((pid, properties) -> {
            Map<String, Sourced> values = into.computeIfAbsent(pid, p -> new LinkedHashMap<>());
            // Through keys(): cm.json's ordered Hashtable keeps its entries outside Hashtable's own table,
            // so Hashtable.forEach sees none of them.
            for (String key : Collections.list(properties.keys())) {
                values.put(key, new Sourced(properties.get(key), source));
            }
        });
    }

    private static Map<String, Hashtable<String, Object>> read(String where, String json) throws IOException {
        List<String> ignored = new ArrayList<>();
        try (Reader text = Configurations.jsonCommentAwareReader(new StringReader(json))) {
            ConfigurationReader reader = Configurations.buildReader().withIdentifier(where)
                    .verifyAsBundleResource(false).withConfiguratorPropertyHandler((pid, key, value) -> { })
                    .build(text);
            ConfigurationResource resource = reader.readConfigurationResource();
            ignored.addAll(reader.getIgnoredErrors());
            if (!ignored.isEmpty()) {
                throw new IOException(where + ": " + String.join("; ", ignored));
            }
            return resource.getConfigurations();
        } catch (IOException | RuntimeException e) {
            // cm.json's messages do not always name the file: ours does.
            throw new IOException(where + " is not valid configuration JSON: " + e.getMessage(), e);
        }
    }

    private static String fetch(String location) throws IOException {
        try (InputStream in = URI.create(location).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IOException("the configuration " + location + " cannot be read: " + e.getMessage(), e);
        }
    }
}
