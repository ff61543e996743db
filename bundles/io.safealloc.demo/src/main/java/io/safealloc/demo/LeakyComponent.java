package io.safealloc.demo;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.api.AllocatorService;

/**
 * Runs a {@link Leak} while configuration {@value #PID} exists. Deactivation stops the growth but
 * frees nothing: the leaked memory stays accounted to {@code io.safealloc.demo} until the bundle
 * releases its {@link AllocatorService} (when it stops), and then the allocator logs it as a leak
 * and frees it.
 */
@Component(service = {}, immediate = true, configurationPid = LeakyComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = LeakyConfiguration.class)
public class LeakyComponent {

    /** The configuration PID that switches the leak on. */
    public static final String PID = "io.safealloc.demo.leaky";

    private static final Logger LOG = System.getLogger(PID);

    @Reference
    private AllocatorService allocator;

    private ScheduledExecutorService scheduler;
    private Leak leak;

    @Activate
    void activate(LeakyConfiguration config) {
        LeakSettings settings;
        try {
            settings = new LeakSettings(config.leakCount(), config.leakBytesPerSecond(), config.leakSize());
        } catch (IllegalArgumentException e) {
            // One line, and the component stays active doing nothing until the configuration changes.
            LOG.log(Level.ERROR, "configuration " + PID + " rejected, nothing leaks: " + e.getMessage());
            return;
        }
        leak = new Leak(allocator, settings);
        leak.start();
        LOG.log(Level.INFO, "leaky: leaked {0} blocks at start, then {1} bytes/s in blocks of {2} bytes; never freed",
                String.valueOf(leak.blocks()), String.valueOf(settings.leakBytesPerSecond()),
                String.valueOf(settings.leakSize()));
        scheduler = DemoThreads.scheduler("safealloc-demo-leaky");
        if (settings.leakBytesPerSecond() > 0) {
            scheduler.scheduleAtFixedRate(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** A scheduled task that throws is never run again: log instead. */
    private void tickQuietly() {
        try {
            leak.tick();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "leaky: tick failed", e);
        }
    }

    @Deactivate
    void deactivate() {
        if (leak == null) {
            return; // rejected configuration: never started
        }
        DemoThreads.stop(scheduler);
        LOG.log(Level.INFO, "leaky: stopped, {0} blocks ({1} bytes) left for the allocator to report",
                String.valueOf(leak.blocks()), String.valueOf(leak.bytes()));
    }
}
