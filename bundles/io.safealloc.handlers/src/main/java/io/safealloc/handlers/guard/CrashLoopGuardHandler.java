package io.safealloc.handlers.guard;

import java.io.File;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;

import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.ServiceRanking;

/**
 * The crash-loop guard as a service, in two roles on one instance: an Event Admin
 * {@link EventHandler} on {@value MemoryEvents#ABORT} that records every abort (the allocator and
 * the restart handler send that event synchronously before the framework goes down), and a
 * high-ranked {@link MemHandler} that decides FAIL once too many happened ({@link CrashLoopGuard}).
 * The history lives in this bundle's persistent data area, so it survives the restarts it counts.
 * Entering degraded mode is posted on {@value MemoryEvents#DEGRADED}, leaving it on
 * {@value MemoryEvents#DEGRADED_LEFT}, when Event Admin is there.
 * Registered only while PID {@value #PID} is configured; immediate, so the state is logged at start.
 */
@Component(configurationPid = CrashLoopGuardHandler.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {MemHandler.class, EventHandler.class},
        property = {"service.ranking:Integer=" + CrashLoopGuardHandler.DEFAULT_RANKING,
                MemHandler.DESCRIPTION + "=crash-loop guard: FAIL instead of aborting after too many aborts/restarts",
                EventConstants.EVENT_TOPIC + "=" + MemoryEvents.ABORT})
@Designate(ocd = GuardConfiguration.class)
public class CrashLoopGuardHandler implements MemHandler, EventHandler {

    public static final String PID = "io.safealloc.handlers.guard";
    /** Highest of the standard handlers: nothing below it may abort once it is degraded. */
    public static final int DEFAULT_RANKING = 1000;
    /** Name of the history file in the bundle's data area. */
    static final String HISTORY_FILE = "abort-history.txt";

    private static final Logger LOG = System.getLogger(PID);

    /** Optional: without Event Admin degraded mode works the same, only unannounced (and nothing is recorded). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private volatile CrashLoopGuard guard;

    @Activate
    void activate(BundleContext context, GuardConfiguration config, Map<String, Object> properties) {
        File data = context.getDataFile(HISTORY_FILE);
        if (data == null) {
            LOG.log(Level.WARNING, "the framework has no persistent storage: the abort history is lost at each restart");
        }
        AbortHistory history = AbortHistory.load(data == null ? null : data.toPath(), LOG);
        guard = new CrashLoopGuard(history, GuardLimits.DEFAULT, InstantSource.system(),
                notice -> post(MemoryEvents.DEGRADED, notice), notice -> post(MemoryEvents.DEGRADED_LEFT, notice),
                LOG);
        modified(config, properties);
    }

    @Modified
    void modified(GuardConfiguration config, Map<String, Object> properties) {
        int ranking = ServiceRanking.check(properties, PID, LOG);
        try {
            guard.setLimits(GuardLimits.of(config.maxAborts(), config.windowMinutes()));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.ERROR, PID + " rejected, " + guard.limits() + " kept: " + e.getMessage());
        }
        LOG.log(Level.INFO, "crash-loop guard: ranking {0}, {1}; {2} recorded within the window",
                String.valueOf(ranking), guard.limits(), String.valueOf(guard.recentAborts()));
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            events.postEvent(new Event(topic, properties));
        }
    }

    @Override
    public void handleEvent(Event event) {
        guard.recordAbort();
        LOG.log(Level.INFO, "crash-loop guard: recorded {0} ({1}); {2} within the window ({3})", event.getTopic(),
                event.containsProperty(MemoryEvents.ACTION) ? event.getProperty(MemoryEvents.ACTION) : "abort",
                String.valueOf(guard.recentAborts()), guard.limits());
    }

    @Override
    public Recovery handle(MemEvent event) {
        return guard.handle(event);
    }
}
