package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static io.safealloc.itests.Fixture.register;
import static io.safealloc.itests.HandlerConfigs.GUARD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;

/**
 * The crash-loop guard in Felix: it counts the ABORT events Event Admin delivers, fails allocations
 * once the allowed number was recorded, posts DEGRADED, and reads its history back from the
 * bundle's persistent data area when it is activated again.
 *
 * <p>A new service is visible in the registry a moment before every listener (Event Admin, the
 * allocator's handler tracking) has seen it, and gone from it a moment before they have seen it
 * leave; so each step waits for the behaviour, never for the registry.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class CrashLoopGuardTest {

    private static final long LIMIT = 4096;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 5000)
    EventAdmin eventAdmin;

    private final BlockingQueue<Event> degraded = new LinkedBlockingQueue<>();
    private final List<String> belowAsked = new CopyOnWriteArrayList<>();
    /** The guard's "recorded" log lines: its own account of each ABORT it counted. */
    private final List<String> recorded = new CopyOnWriteArrayList<>();
    /** Strongly held: java.util.logging keeps loggers weakly, and the handler must stay attached. */
    private final Logger guardLog = Logger.getLogger(GUARD);
    private final Handler guardLines = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.startsWith("crash-loop guard: recorded")) {
                recorded.add(message);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private ServiceRegistration<EventHandler> listener;
    private ServiceRegistration<MemHandler> below;

    @BeforeEach
    void setUp() throws Exception {
        configure(configAdmin, allocator, LIMIT); // default recovery FAIL: no test may end the framework
        guardLog.addHandler(guardLines);
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, MemoryEvents.DEGRADED);
        listener = context.registerService(EventHandler.class, degraded::add, topics);
        // Stands for the handlers that would abort: asked only when the guard lets the event through.
        below = register(context, event -> {
            if (event.cause() == Cause.LIMIT) {
                belowAsked.add(event.cause().name());
            }
            return Recovery.FAIL;
        }, 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        guardLog.removeHandler(guardLines);
        listener.unregister();
        below.unregister();
        HandlerConfigs.deleteAll(configAdmin, context);
    }

    /** One allocation over the limit; @return whether the guard let it through to the handler below. */
    private boolean limitReachedBelowTheGuard() {
        belowAsked.clear();
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(LIMIT + 1));
        assertEquals(Recovery.FAIL, e.decision());
        return !belowAsked.isEmpty();
    }

    /**
     * Sends one ABORT event as the allocator (action null) or the restart handler ("restart") sends
     * it, synchronously, and makes sure the guard counted exactly one: an event sent before Event
     * Admin tracks the guard reaches nobody, so it is sent again until one is recorded.
     */
    private void abortRecorded(String action) {
        int before = recorded.size();
        Map<String, Object> properties = new HashMap<>();
        properties.put(MemoryEvents.CAUSE, "LIMIT");
        properties.put(MemoryEvents.DECISION, "ABORT");
        if (action != null) {
            properties.put(MemoryEvents.ACTION, action);
        }
        Fixture.await("the guard recorded an ABORT", () -> {
            eventAdmin.sendEvent(new Event(MemoryEvents.ABORT, properties));
            return recorded.size() > before; // sendEvent returns after the handlers ran
        });
        assertEquals(before + 1, recorded.size());
    }

    private void configureGuard() throws Exception {
        HandlerConfigs.configure(configAdmin, GUARD, "service.ranking", 1000, "maxAborts", 2, "windowMinutes", 10);
    }

    @Test
    void afterTheAllowedAbortsItFailsInsteadOfAbortingPostsDegradedAndRemembersAcrossReactivation() throws Exception {
        configureGuard();
        abortRecorded(null);
        assertEquals(true, limitReachedBelowTheGuard(), "1 of 2 allowed aborts: the guard defers");
        assertNull(degraded.poll(), "not degraded");

        abortRecorded("restart");
        Fixture.await("degraded: the guard decides FAIL, the handler below is not asked",
                () -> !limitReachedBelowTheGuard());

        Event notice = degraded.poll(10, TimeUnit.SECONDS);
        assertNotNull(notice, "degraded mode is posted on " + MemoryEvents.DEGRADED);
        assertEquals(2, notice.getProperty("aborts"));
        assertEquals(2, notice.getProperty("maxAborts"));
        assertEquals(10L, notice.getProperty("windowMinutes"));
        assertEquals("LIMIT", notice.getProperty(MemoryEvents.CAUSE));
        assertEquals(LIMIT + 1, notice.getProperty(MemoryEvents.SIZE));
        assertEquals(false, limitReachedBelowTheGuard(), "still degraded");

        // Without its configuration the guard is gone; configured again, the new instance reads the
        // two recorded aborts from the bundle's data area: no ABORT event is sent this time.
        HandlerConfigs.deleteAll(configAdmin, context);
        Fixture.await("the guard left the chain", this::limitReachedBelowTheGuard);
        configureGuard();
        Fixture.await("the reactivated guard is degraded from its persisted history",
                () -> !limitReachedBelowTheGuard());
        assertEquals(2, recorded.size(), "nothing recorded since");
    }
}
