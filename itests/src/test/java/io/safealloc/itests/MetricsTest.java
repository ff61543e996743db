package io.safealloc.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.ObservationConstants;

/**
 * The Micrometer wiring in Felix: a {@link MeterRegistry} registered as a service gets SafeAlloc's
 * meters (io.safealloc.metrics binds to it), with this bundle's figures; when the registry service
 * goes, every meter the binder added goes with it. (The meter names and values in detail:
 * PrometheusScrapeTest in the metrics module.)
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class MetricsTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService
    AllocatorService allocator;

    @Test
    void aRegistryServiceGetsTheMetersWhileItIsRegistered() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String me = context.getBundle().getSymbolicName();
        ServiceRegistration<MeterRegistry> registration = context.registerService(MeterRegistry.class, registry, null);
        MemorySegment held = allocator.rAlloc(4096);
        try {
            Fixture.await("this bundle's gauge at its bytes in use", () -> {
                Gauge used = registry.find(ObservationConstants.METER_BUNDLE_USED)
                        .tag(ObservationConstants.METER_TAG_BUNDLE, me).gauge();
                return used != null && used.value() == Fixture.bytesOf(allocator.stats(), me);
            });
            assertTrue(Fixture.bytesOf(allocator.stats(), me) >= 4096);
            FunctionCounter allocations = registry.find(ObservationConstants.METER_ALLOCATIONS).functionCounter();
            assertNotNull(allocations);
            long before = allocator.stats().allocations();
            double counted = allocations.count();
            long after = allocator.stats().allocations();
            assertTrue(before <= counted && counted <= after, before + " <= " + counted + " <= " + after);
        } finally {
            allocator.rFree(held);
            registration.unregister();
        }
        assertEquals(0, registry.getMeters().size(), () -> "left behind: " + registry.getMeters());
    }
}
