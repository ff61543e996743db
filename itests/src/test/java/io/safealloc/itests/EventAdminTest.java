package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectBundleInstaller;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.install.BundleInstaller;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.MemoryEvents;

/** Every cause, decision and released leak reaches Event Admin with its properties. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class EventAdminTest {

    @InjectBundleContext
    BundleContext context;

    @InjectBundleInstaller
    BundleInstaller installer;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private ServiceRegistration<EventHandler> registration;
    private String me;

    @BeforeEach
    void listen() throws Exception {
        configure(configAdmin, allocator, 10_000, AllocatorConstants.WARN_PERCENT, 50);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, MemoryEvents.TOPIC_ALL);
        registration = context.registerService(EventHandler.class, events::add, properties);
        me = FrameworkUtil.getBundle(getClass()).getSymbolicName();
    }

    @AfterEach
    void stop() {
        registration.unregister();
    }

    private Event next(String topic) throws InterruptedException {
        for (;;) {
            Event event = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "no event on " + topic);
            if (event.getTopic().equals(topic)) {
                return event;
            }
        }
    }

    @Test
    void warningAndLimitArePostedWithTheirFigures() throws Exception {
        MemorySegment held = allocator.rAlloc(6000); // crosses 50 % of 10 000
        Event warning = next(MemoryEvents.topic(Cause.WARNING));
        // The documented topic, once as a literal: every other test uses the API's constants.
        assertEquals("io/safealloc/Memory/WARNING", warning.getTopic());
        assertEquals("WARNING", warning.getProperty(MemoryEvents.CAUSE));
        assertEquals(6000L, warning.getProperty(MemoryEvents.SIZE));
        assertEquals(6000L, warning.getProperty(MemoryEvents.BYTES_IN_USE));
        assertEquals(10_000L, warning.getProperty(MemoryEvents.LIMIT));
        assertEquals(me, warning.getProperty(MemoryEvents.BUNDLE_NAME));
        assertEquals(FrameworkUtil.getBundle(getClass()).getBundleId(), warning.getProperty(MemoryEvents.BUNDLE_ID));
        assertEquals("DEFER", warning.getProperty(MemoryEvents.DECISION));
        assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(5000));
        Event limit = next(MemoryEvents.topic(Cause.LIMIT));
        assertEquals("GLOBAL", limit.getProperty(MemoryEvents.BUDGET));
        assertEquals(5000L, limit.getProperty(MemoryEvents.SIZE));
        assertEquals("FAIL", limit.getProperty(MemoryEvents.DECISION));
        assertEquals(1, limit.getProperty(MemoryEvents.ATTEMPT));
        allocator.rFree(held);
    }

    @Test
    void tooBigAndFailArePosted() throws Exception {
        configure(configAdmin, allocator, 0);
        assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(Long.MAX_VALUE));
        assertEquals("TOO_BIG", next(MemoryEvents.topic(Cause.TOO_BIG)).getProperty(MemoryEvents.CAUSE));
        // 4 TiB: within what can be tracked, more than malloc grants on this machine.
        assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(4L << 40));
        Event fail = next(MemoryEvents.topic(Cause.FAIL));
        assertEquals(4L << 40, fail.getProperty(MemoryEvents.SIZE));
        assertEquals("FAIL", fail.getProperty(MemoryEvents.DECISION));
    }

    @Test
    void aReleasedLeakIsPosted() throws Exception {
        Bundle tb1 = installer.installBundle("tb1.jar", false);
        try {
            tb1.start();
            Fixture.await("tb1's allocations", () -> Fixture.bytesOf(allocator.stats(), Fixture.TB1) == 600);
            tb1.stop();
            Event leak = next(MemoryEvents.LEAK);
            assertEquals(Fixture.TB1, leak.getProperty(MemoryEvents.BUNDLE_NAME));
            assertEquals(tb1.getBundleId(), leak.getProperty(MemoryEvents.BUNDLE_ID));
            assertEquals(3L, leak.getProperty(MemoryEvents.COUNT));
            assertEquals(600L, leak.getProperty(MemoryEvents.BYTES));
        } finally {
            tb1.uninstall();
        }
    }
}
