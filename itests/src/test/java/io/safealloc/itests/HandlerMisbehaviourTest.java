package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static io.safealloc.itests.Fixture.register;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectBundleInstaller;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.install.BundleInstaller;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * Handler services that misbehave inside OSGi, where deciding meets Declarative Services, Config
 * Admin and bundle lifecycles: one that unregisters its own service while deciding, one that blocks
 * while the rest of the framework goes on (latches, no sleeps).
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class HandlerMisbehaviourTest {

    private static final long LIMIT = 4096;

    @InjectBundleContext
    BundleContext context;

    @InjectBundleInstaller
    BundleInstaller installer;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @BeforeEach
    void budget() throws Exception {
        HandlerConfigs.deleteAll(configAdmin, context);
        configure(configAdmin, allocator, LIMIT);
    }

    @Test
    void aHandlerServiceUnregisteringItselfWhileDecidingDecidesThatEventOnly() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<ServiceRegistration<MemHandler>> self = new AtomicReference<>();
        self.set(register(context, event -> {
            if (event.cause() == Cause.WARNING) {
                return Recovery.DEFER;
            }
            calls.incrementAndGet();
            self.get().unregister(); // DS unbinds it on this very thread, while the allocator decides
            return Recovery.RETRY;
        }, 10));
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(LIMIT + 1));
        assertEquals(1, calls.get(), "asked once; its RETRY was honoured");
        assertEquals(2, e.event().attempt(), "the retry failed again and the default decided");
        assertEquals(Recovery.FAIL, e.decision());
        assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(LIMIT + 1));
        assertEquals(1, calls.get(), "gone for the next event");
    }

    @Test
    void aBlockedHandlerServiceStallsOnlyItsOwnThread() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> blocked = new AtomicReference<>();
        ServiceRegistration<MemHandler> blocking = register(context, event -> {
            if (event.cause() != Cause.WARNING && blocked.compareAndSet(null, Thread.currentThread())) {
                entered.countDown();
                try {
                    assertTrue(release.await(60, TimeUnit.SECONDS));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                return Recovery.FAIL;
            }
            return Recovery.DEFER;
        }, 100);
        try {
            CompletableFuture<MemoryAllocationException> stalled = CompletableFuture.supplyAsync(
                    () -> assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(LIMIT + 1)),
                    r -> Thread.ofPlatform().name("stalled-in-handler").start(r));
            assertTrue(entered.await(30, TimeUnit.SECONDS), "the handler blocked");

            // Meanwhile: allocations, a failure decided by the default, a re-ranking, a configuration
            // change through Config Admin, and a bundle's whole life (tb1 allocates, stops, is released).
            for (int i = 0; i < 1000; i++) {
                allocator.rFree(allocator.rAlloc(1 + i));
            }
            assertEquals(Recovery.FAIL,
                    assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(LIMIT + 1)).decision());
            Hashtable<String, Object> lower = new Hashtable<>();
            lower.put("service.ranking", -100);
            blocking.setProperties(lower);
            configure(configAdmin, allocator, 2 * LIMIT);
            Bundle tb1 = installer.installBundle("tb1.jar", false);
            try {
                tb1.start();
                Fixture.await("tb1's allocations", () -> Fixture.bytesOf(allocator.stats(), Fixture.TB1) == 600);
                tb1.stop();
                assertEquals(0, Fixture.bytesOf(allocator.stats(), Fixture.TB1));
            } finally {
                tb1.uninstall();
            }
            MemorySegment fits = allocator.rAlloc(LIMIT + 1); // under the new limit
            allocator.rFree(fits);

            assertFalse(stalled.isDone(), "still blocked in its handler after all that");
            assertNotNull(blocked.get());
            release.countDown();
            MemoryAllocationException late = stalled.get(30, TimeUnit.SECONDS);
            assertEquals(Cause.LIMIT, late.cause());
            assertEquals(Recovery.FAIL, late.decision());
        } finally {
            release.countDown();
            blocking.unregister();
        }
    }
}
