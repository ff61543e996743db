package io.safealloc.gateway.banner;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.api.AllocatorService;
import io.safealloc.shell.report.HandlerDirectory;

/**
 * Prints the {@link StartupBanner} line on stdout once the gateway has settled: an immediate
 * component that, on activation, checks every {@value #POLL_MILLIS} ms on a daemon thread of its own
 * (never on the activating thread) and stops checking once the line is out.
 *
 * <p>What to wait for comes from configuration {@value #PID} ({@link BannerConfiguration}), else
 * from the framework properties {@value #EXPECTED_HANDLERS_PROPERTY} and
 * {@value #WAIT_SECONDS_PROPERTY} (available from the first instant, so a launcher can set them
 * without racing Config Admin), else the defaults. A configuration that arrives later only changes
 * what a banner not yet printed waits for: it never prints a second line. The line is printed again
 * only if the component is activated again (for example the allocator service came back).
 *
 * <p>Part of the gateway bundle, not of the shell: a framework that installs the shell without the
 * gateway (plain Equinox, Karaf) prints no banner. The PID keeps its 1.0 name
 * {@value #PID} so that existing gateway configuration files still apply.
 *
 * <p>Handlers that register after the banner are not in it; {@code mem:handlers} shows the current
 * chain. Thread-safety: DS serialises activate, modified and deactivate; the poller thread only
 * calls the thread-safe {@link StartupBanner}.
 */
@Component(immediate = true, service = {}, configurationPid = ReadyBanner.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = BannerConfiguration.class)
public class ReadyBanner {

    /** The configuration PID of the banner (its 1.0 name, from when the shell printed it). */
    public static final String PID = "io.safealloc.shell.banner";
    /** Framework property: MemHandlers to wait for when there is no configuration. */
    public static final String EXPECTED_HANDLERS_PROPERTY = "safealloc.banner.expectedHandlers";
    /** Framework property: seconds to wait at most when there is no configuration. */
    public static final String WAIT_SECONDS_PROPERTY = "safealloc.banner.waitSeconds";

    private static final long POLL_MILLIS = 25;
    private static final int DEFAULT_WAIT_SECONDS = 5;
    private static final Logger LOG = System.getLogger(PID);

    @Reference
    private AllocatorService allocator;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationAdmin configurationAdmin;

    private BundleContext context;
    private StartupBanner banner;
    private ScheduledExecutorService poller;

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> properties) {
        context = bundleContext;
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        banner = new StartupBanner(allocator, new HandlerDirectory(context),
                () -> system.getState() == Bundle.ACTIVE, this::configuredLimit,
                setting(properties, "expectedHandlers", EXPECTED_HANDLERS_PROPERTY, 0), System.nanoTime(),
                setting(properties, "waitSeconds", WAIT_SECONDS_PROPERTY, DEFAULT_WAIT_SECONDS), System.out);
        poller = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "safealloc-banner");
            thread.setDaemon(true);
            return thread;
        });
        ScheduledExecutorService own = poller;
        StartupBanner mine = banner;
        own.scheduleWithFixedDelay(() -> {
            try {
                if (mine.printIfReady(System.nanoTime())) {
                    own.shutdown();
                }
            } catch (RuntimeException e) {
                // For example the bundle is stopping and its context is no longer valid: give up quietly.
                LOG.log(Level.DEBUG, "start-up banner not printed", e);
                own.shutdown();
            }
        }, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        banner.expect(setting(properties, "expectedHandlers", EXPECTED_HANDLERS_PROPERTY, 0),
                setting(properties, "waitSeconds", WAIT_SECONDS_PROPERTY, DEFAULT_WAIT_SECONDS));
    }

    @Deactivate
    void deactivate() {
        poller.shutdownNow();
    }

    /** The configuration's value, else the framework property, else the default; garbage counts as unset. */
    private int setting(Map<String, Object> properties, String key, String frameworkProperty, int fallback) {
        Integer configured = integer(properties.get(key));
        if (configured != null) {
            return configured;
        }
        Integer framework = integer(context.getProperty(frameworkProperty));
        return framework != null ? framework : fallback;
    }

    private static Integer integer(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        if (value instanceof String text) {
            try {
                return Integer.valueOf(text.trim());
            } catch (NumberFormatException e) {
                LOG.log(Level.WARNING, "start-up banner: not a number: {0}; ignored", text);
            }
        }
        return null;
    }

    private OptionalLong configuredLimit() {
        ConfigurationAdmin admin = configurationAdmin;
        return admin == null ? OptionalLong.empty() : ConfiguredLimit.of(admin);
    }
}
