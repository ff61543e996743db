package io.safealloc.itests;

import static io.safealloc.itests.Fixture.await;
import static io.safealloc.itests.Fixture.bytesOf;
import static io.safealloc.itests.Fixture.configure;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
import org.osgi.test.common.annotation.Property;
import org.osgi.test.common.annotation.Property.Scalar;
import org.osgi.test.common.annotation.config.WithConfiguration;
import org.osgi.test.common.annotation.config.WithFactoryConfiguration;
import org.osgi.test.common.install.BundleInstaller;
import org.osgi.test.junit5.cm.ConfigurationExtension;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.osgi.util.tracker.ServiceTracker;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.Budget;
import io.safealloc.api.Cause;
import io.safealloc.api.Holding;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;

/**
 * Arenas in a real Felix: a bundle's arena is accounted to it, its quota and the handlers apply,
 * its stop closes the arenas it left open (reported as a leak, bytes released), and a segment of a
 * closed arena throws on access.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
@ExtendWith(ConfigurationExtension.class)
class ArenaTest {

    private static final String TB1_ARENA_PID = "io.safealloc.itests.tb1.arena";

    @InjectBundleContext
    BundleContext context;

    @InjectBundleInstaller
    BundleInstaller installer;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private Bundle tb1;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private ServiceRegistration<EventHandler> listening;

    @BeforeEach
    void setUp() throws Exception {
        configure(configAdmin, allocator, 0);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, MemoryEvents.LEAK);
        listening = context.registerService(EventHandler.class, events::add, properties);
    }

    @AfterEach
    void cleanUp() throws Exception {
        listening.unregister();
        if (tb1 != null && tb1.getState() != Bundle.UNINSTALLED) {
            tb1.uninstall();
        }
    }

    @SuppressWarnings("unchecked")
    private Arena startTb1() throws Exception {
        tb1 = installer.installBundle("tb1.jar", false);
        ServiceTracker<Supplier<?>, Supplier<?>> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=java.util.function.Supplier)(safealloc.test=tb1-arena))"), null);
        tracker.open();
        try {
            tb1.start();
            Supplier<?> workload = tracker.waitForService(5000);
            assertNotNull(workload, "tb1's arena component did not come up");
            return ((Supplier<Arena>) workload).get();
        } finally {
            tracker.close();
        }
    }

    private Holding tb1Holding() {
        return allocator.holdings().stream().filter(h -> h.bundleName().equals(Fixture.TB1)).findFirst()
                .orElseThrow(() -> new AssertionError("tb1 holds nothing: " + allocator.holdings()));
    }

    @Test
    @WithConfiguration(pid = TB1_ARENA_PID, location = "?")
    void aBundlesArenaIsItsOwnAndItsStopClosesItAndReleasesTheBytes() throws Exception {
        long before = allocator.stats().bytesInUse();
        Arena tb1Arena = startTb1();
        // 600 from tb1's buffers, 1000 in its shared arena, 128 in a confined arena its ended thread left open.
        assertEquals(1728, bytesOf(allocator.stats(), Fixture.TB1));
        MemorySegment fromTest = tb1Arena.allocate(JAVA_LONG, 100); // accounted to tb1, whose arena it is
        fromTest.setAtIndex(JAVA_LONG, 99, 42);
        assertEquals(2528, bytesOf(allocator.stats(), Fixture.TB1));
        Holding held = tb1Holding();
        assertEquals(2, held.openArenas());
        assertEquals(1928, held.arenaBytes());
        assertEquals(6, held.count());

        tb1.stop();
        assertEquals(before, allocator.stats().bytesInUse(), "released when the bundle stopped");
        assertThrows(IllegalStateException.class, () -> fromTest.getAtIndex(JAVA_LONG, 99));
        assertThrows(IllegalStateException.class, () -> tb1Arena.allocate(8));
        tb1Arena.close(); // closed by the stop: nothing to do
        Event leak = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(leak, "no LEAK event");
        assertEquals(Fixture.TB1, leak.getProperty(MemoryEvents.BUNDLE_NAME));
        assertEquals(6L, leak.getProperty(MemoryEvents.COUNT));
        assertEquals(2528L, leak.getProperty(MemoryEvents.BYTES));
        assertEquals(2L, leak.getProperty(MemoryEvents.ARENAS));
        assertEquals(1928L, leak.getProperty(MemoryEvents.ARENA_BYTES));
    }

    // The quota exists for this test only: osgi-test creates it before and deletes it after.
    @Test
    @WithConfiguration(pid = TB1_ARENA_PID, location = "?")
    @WithFactoryConfiguration(factoryPid = AllocatorConstants.QUOTA_FACTORY_PID, name = "tb1arena", location = "?",
            properties = {@Property(key = AllocatorConstants.QUOTA_BUNDLE, value = Fixture.TB1),
                @Property(key = AllocatorConstants.QUOTA_LIMIT, value = "2000", scalar = Scalar.Long)})
    void theBundlesQuotaAndTheHandlersApplyToItsArena() throws Exception {
        Arena tb1Arena = startTb1(); // holds 1728
        await("tb1's quota", () -> allocator.stats().bundles().stream()
                .anyMatch(b -> b.bundleName().equals(Fixture.TB1) && b.limit() == 2000));
        List<MemEvent> asked = new CopyOnWriteArrayList<>();
        ServiceRegistration<MemHandler> handler = Fixture.register(context, event -> {
            asked.add(event);
            return event.bundleName().equals(Fixture.TB1) ? Recovery.FAIL : Recovery.DEFER;
        }, 1000);
        try {
            MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> tb1Arena.allocate(300));
            assertEquals(Cause.LIMIT, e.cause());
            assertEquals(Budget.BUNDLE, e.event().budget());
            assertEquals(Fixture.TB1, e.event().bundleName());
            assertEquals(Recovery.FAIL, e.decision());
            assertEquals(1, asked.size(), "the handler decided: " + asked);
            assertEquals(300, asked.getFirst().size());
            assertEquals(1728, bytesOf(allocator.stats(), Fixture.TB1), "a refused arena allocation books nothing");
            tb1Arena.allocate(272); // exactly up to the quota
            assertEquals(2000, bytesOf(allocator.stats(), Fixture.TB1));
        } finally {
            handler.unregister();
        }
    }

    @Test
    void theTestBundlesOwnArenasAreCheckedAndClosedByIt() throws Exception {
        String me = FrameworkUtil.getBundle(getClass()).getSymbolicName();
        long mine = bytesOf(allocator.stats(), me);
        MemorySegment text;
        try (Arena arena = allocator.confinedArena()) {
            text = arena.allocateFrom("through SafeAlloc");
            assertEquals(mine + 18, bytesOf(allocator.stats(), me));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> allocator.rFree(text));
            assertTrue(e.getMessage().contains("belongs to a SafeAlloc arena"), e.getMessage());
        }
        assertEquals(mine, bytesOf(allocator.stats(), me));
        assertThrows(IllegalStateException.class, () -> text.getString(0));
    }
}
