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

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;

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
        configure(configAdmin, allocator, 10_000, "warnPercent", 50);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, "io/safealloc/Memory/*");
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
        Event warning = next("io/safealloc/Memory/WARNING");
        assertEquals("WARNING", warning.getProperty("cause"));
        assertEquals(6000L, warning.getProperty("size"));
        assertEquals(6000L, warning.getProperty("bytesInUse"));
        assertEquals(10_000L, warning.getProperty("limit"));
        assertEquals(me, warning.getProperty("bundle.symbolicName"));
        assertEquals(FrameworkUtil.getBundle(getClass()).getBundleId(), warning.getProperty("bundle.id"));
        assertEquals("DEFER", warning.getProperty("decision"));
        assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(5000));
        Event limit = next("io/safealloc/Memory/LIMIT");
        assertEquals("GLOBAL", limit.getProperty("budget"));
        assertEquals(5000L, limit.getProperty("size"));
        assertEquals("FAIL", limit.getProperty("decision"));
        assertEquals(1, limit.getProperty("attempt"));
        allocator.rFree(held);
    }

    @Test
    void tooBigAndFailArePosted() throws Exception {
        configure(configAdmin, allocator, 0);
        assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(Long.MAX_VALUE));
        assertEquals("TOO_BIG", next("io/safealloc/Memory/TOO_BIG").getProperty("cause"));
        // 4 TiB: within what can be tracked, more than malloc grants on this machine.
        assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(4L << 40));
        Event fail = next("io/safealloc/Memory/FAIL");
        assertEquals(4L << 40, fail.getProperty("size"));
        assertEquals("FAIL", fail.getProperty("decision"));
    }

    @Test
    void aReleasedLeakIsPosted() throws Exception {
        Bundle tb1 = installer.installBundle("tb1.jar", false);
        try {
            tb1.start();
            Fixture.await("tb1's allocations", () -> Fixture.bytesOf(allocator.stats(), "io.safealloc.itests.tb1") == 600);
            tb1.stop();
            Event leak = next("io/safealloc/Memory/LEAK");
            assertEquals("io.safealloc.itests.tb1", leak.getProperty("bundle.symbolicName"));
            assertEquals(tb1.getBundleId(), leak.getProperty("bundle.id"));
            assertEquals(3L, leak.getProperty("count"));
            assertEquals(600L, leak.getProperty("bytes"));
        } finally {
            tb1.uninstall();
        }
    }
}
