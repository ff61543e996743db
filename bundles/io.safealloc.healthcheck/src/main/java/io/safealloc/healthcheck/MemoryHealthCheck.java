package io.safealloc.healthcheck;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.ObservationConstants;

/**
 * The SafeAlloc health check for the Felix Health Check executor (and so for its servlet, its
 * {@code hc:exec} command and its JMX beans): {@code hc.name} {@value ObservationConstants#HEALTH_CHECK_NAME},
 * tags {@code memory} and {@code safealloc}. The verdict: {@link Assessment}. It learns about failures,
 * aborts and the crash-loop guard from Event Admin (it is an {@link EventHandler} on
 * {@value MemoryEvents#TOPIC_ALL}); without Event Admin it still judges the figures.
 *
 * <p>Configuration (optional, PID {@value #PID}): {@value #RECENT_SECONDS} (default
 * {@value #DEFAULT_RECENT_SECONDS}), how long a failed allocation keeps the check at WARN. A value that
 * is not a whole number from 1 to 86400 is logged and the default is used.
 *
 * <p>Thread-safety: state in {@link MemoryState}; the window is volatile.
 */
@Component(configurationPid = MemoryHealthCheck.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, // what it heard must outlive each executor's get/unget of the service
        service = {HealthCheck.class, EventHandler.class},
        property = {HealthCheck.NAME + "=" + ObservationConstants.HEALTH_CHECK_NAME,
                HealthCheck.TAGS + "=" + ObservationConstants.HEALTH_CHECK_TAG_MEMORY,
                HealthCheck.TAGS + "=" + ObservationConstants.HEALTH_CHECK_TAG_SAFEALLOC,
                EventConstants.EVENT_TOPIC + "=" + MemoryEvents.TOPIC_ALL})
public class MemoryHealthCheck implements HealthCheck, EventHandler {

    static final String PID = "io.safealloc.healthcheck";
    static final String RECENT_SECONDS = "recentFailureSeconds";
    static final long DEFAULT_RECENT_SECONDS = 300;
    private static final Logger LOG = System.getLogger(PID);

    @Reference
    private AllocatorService allocator;

    private final MemoryState state = new MemoryState();
    private volatile Duration recent = Duration.ofSeconds(DEFAULT_RECENT_SECONDS);

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        recent = Duration.ofSeconds(recentSeconds(properties.get(RECENT_SECONDS)));
        LOG.log(Level.INFO, "health check \"{0}\": a failed allocation keeps it at WARN for {1} s",
                ObservationConstants.HEALTH_CHECK_NAME, String.valueOf(recent.toSeconds()));
    }

    static long recentSeconds(Object value) {
        if (value == null) {
            return DEFAULT_RECENT_SECONDS;
        }
        try {
            long seconds = value instanceof Number n && !(value instanceof Double || value instanceof Float) ? n.longValue()
                    : Long.parseLong(value.toString().trim());
            if (seconds >= 1 && seconds <= 86_400) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.log(Level.WARNING, "{0}: {1}={2} is not a whole number of seconds from 1 to 86400; using {3}", PID,
                RECENT_SECONDS, String.valueOf(value), String.valueOf(DEFAULT_RECENT_SECONDS));
        return DEFAULT_RECENT_SECONDS;
    }

    @Override
    public Result execute() {
        return Assessment.assess(allocator.stats(), allocator.holdings(), state, Instant.now(), recent);
    }

    @Override
    public void handleEvent(Event event) {
        Map<String, Object> properties = new HashMap<>();
        for (String key : event.getPropertyNames()) {
            properties.put(key, event.getProperty(key));
        }
        state.onEvent(event.getTopic(), properties, Instant.now());
    }
}
