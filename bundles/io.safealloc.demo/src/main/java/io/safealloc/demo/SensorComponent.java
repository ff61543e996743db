package io.safealloc.demo;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledExecutorService;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;

/**
 * Runs a {@link SensorFeed} while configuration {@value #PID} exists. A changed configuration
 * restarts the feed (DS deactivates and activates the component). An invalid configuration, or a
 * receive buffer the allocator refuses, is logged on one line and no feed runs until the
 * configuration changes (the component stays active: no activation stack trace in the log).
 */
@Component(service = {}, immediate = true, configurationPid = SensorComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SensorConfiguration.class)
public class SensorComponent {

    /** The configuration PID that switches the feed on. */
    public static final String PID = "io.safealloc.demo.sensor";

    private static final Logger LOG = System.getLogger(PID);

    @Reference
    private AllocatorService allocator;

    private ScheduledExecutorService scheduler;
    private SensorFeed feed;

    @Activate
    void activate(SensorConfiguration config) {
        SensorSettings settings;
        try {
            settings = new SensorSettings(config.framesPerSecond(), config.frameSize(), config.buffersKept());
            feed = new SensorFeed(allocator, settings);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, "configuration " + PID + " rejected, no feed runs: " + e.getMessage());
            return;
        } catch (MemoryAllocationException e) {
            LOG.log(Level.ERROR, "sensor feed not started: its receive buffer of {0} bytes was refused ({1}, decision {2})",
                    String.valueOf(e.size()), e.cause(), e.decision());
            return;
        }
        scheduler = DemoThreads.scheduler("safealloc-demo-sensor");
        feed.start(scheduler);
        LOG.log(Level.INFO, "sensor feed started: {0} frames/s of {1} bytes, {2} kept",
                String.valueOf(settings.framesPerSecond()), String.valueOf(settings.frameSize()),
                String.valueOf(settings.buffersKept()));
    }

    @Deactivate
    void deactivate() {
        if (feed == null) {
            return; // never started
        }
        DemoThreads.stop(scheduler);
        feed.close();
        LOG.log(Level.INFO, "sensor feed stopped: {0} frames captured, {1} dropped; buffers freed",
                String.valueOf(feed.captured()), String.valueOf(feed.dropped()));
    }
}
