package io.safealloc.handlers.gc;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.ServiceRanking;

/**
 * The {@code gc} handler as a service: {@link GcRecovery} with the configured back-off, reading the
 * figures from this bundle's own {@link AllocatorService} view. Registered only while PID
 * {@value #PID} is configured; a configuration change (ranking, back-off) applies without
 * re-registering the service.
 */
@Component(configurationPid = GcHandler.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {"service.ranking:Integer=" + GcHandler.DEFAULT_RANKING,
                MemHandler.DESCRIPTION + "=gc: request a GC, wait for Cleaners to return native memory, RETRY"})
@Designate(ocd = GcConfiguration.class)
public class GcHandler implements MemHandler {

    public static final String PID = "io.safealloc.handlers.gc";
    /** Low: cheaper handlers that know what to free (caches) should come first. */
    public static final int DEFAULT_RANKING = 100;

    private static final Logger LOG = System.getLogger(PID);

    @Reference
    private AllocatorService allocator;

    private volatile GcRecovery recovery;

    @Activate
    void activate(GcConfiguration config, Map<String, Object> properties) {
        recovery = new GcRecovery(allocator, BackOff.DEFAULT, LOG);
        apply(config, properties);
    }

    @Modified
    void modified(GcConfiguration config, Map<String, Object> properties) {
        apply(config, properties);
    }

    private void apply(GcConfiguration config, Map<String, Object> properties) {
        int ranking = ServiceRanking.check(properties, PID, LOG);
        try {
            recovery = new GcRecovery(allocator, new BackOff(config.initialWaitMillis(), config.maxWaitMillis()), LOG);
            LOG.log(Level.INFO, "gc handler: ranking {0}, {1}", String.valueOf(ranking), recovery.backOff());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, PID + " rejected, " + recovery.backOff() + " kept: " + e.getMessage());
        }
    }

    @Override
    public Recovery handle(MemEvent event) {
        return recovery.handle(event);
    }
}
