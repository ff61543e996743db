package io.safealloc.itests;

import static io.safealloc.itests.Fixture.await;
import static io.safealloc.itests.Fixture.bytesOf;
import static io.safealloc.itests.Fixture.configure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.function.LongFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectBundleInstaller;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.annotation.Property;
import org.osgi.test.common.annotation.Property.Scalar;
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
import io.safealloc.api.MemoryAllocationException;

/** Memory is accounted to the bundle that asked; a stopped bundle's leaks are released; quotas. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
@ExtendWith(ConfigurationExtension.class)
class BundleAccountingTest {

    @InjectBundleContext
    BundleContext context;

    @InjectBundleInstaller
    BundleInstaller installer;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private Bundle tb1;

    @BeforeEach
    void noLimit() throws Exception {
        configure(configAdmin, allocator, 0);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (tb1 != null && tb1.getState() != Bundle.UNINSTALLED) {
            tb1.uninstall();
        }
    }

    @SuppressWarnings("unchecked")
    private LongFunction<MemorySegment> startTb1() throws Exception {
        tb1 = installer.installBundle("tb1.jar", false);
        ServiceTracker<LongFunction<?>, LongFunction<?>> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=java.util.function.LongFunction)(safealloc.test=tb1))"), null);
        tracker.open();
        try {
            tb1.start();
            LongFunction<?> workload = tracker.waitForService(5000);
            assertNotNull(workload, "tb1's component did not come up");
            return (LongFunction<MemorySegment>) workload;
        } finally {
            tracker.close();
        }
    }

    @Test
    void eachBundleIsAccountedSeparately() throws Exception {
        String me = FrameworkUtil.getBundle(getClass()).getSymbolicName();
        MemorySegment mine = allocator.rAlloc(1234);
        startTb1();
        assertEquals(600, bytesOf(allocator.stats(), Fixture.TB1));
        assertEquals(1234, bytesOf(allocator.stats(), me));
        allocator.rFree(mine);
        assertEquals(0, bytesOf(allocator.stats(), me));
    }

    @Test
    void aStoppedBundlesLeaksAreReleased() throws Exception {
        long before = allocator.stats().bytesInUse();
        long freesBefore = allocator.stats().frees();
        LongFunction<MemorySegment> workload = startTb1();
        workload.apply(4000); // held by tb1's account, never freed
        assertEquals(4600, bytesOf(allocator.stats(), Fixture.TB1));
        assertEquals(before + 4600, allocator.stats().bytesInUse());
        tb1.stop();
        assertEquals(before, allocator.stats().bytesInUse(), "released when the bundle stopped");
        assertEquals(freesBefore + 4, allocator.stats().frees());
        assertTrue(allocator.stats().bundles().stream().noneMatch(b -> b.bundleName().equals(Fixture.TB1)));
    }

    // The quota exists for this test only: osgi-test creates it before and deletes it after.
    @Test
    @WithFactoryConfiguration(factoryPid = AllocatorConstants.QUOTA_FACTORY_PID, name = "tb1", location = "?",
            properties = {@Property(key = AllocatorConstants.QUOTA_BUNDLE, value = Fixture.TB1),
                @Property(key = AllocatorConstants.QUOTA_LIMIT, value = "1000", scalar = Scalar.Long)})
    void aBundleOverItsQuotaGetsLimitWhileAnotherKeepsAllocating() throws Exception {
        LongFunction<MemorySegment> workload = startTb1(); // holds 600
        await("tb1's quota", () -> allocator.stats().bundles().stream()
                .anyMatch(b -> b.bundleName().equals(Fixture.TB1) && b.limit() == 1000));
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> workload.apply(500));
        assertEquals(Cause.LIMIT, e.cause());
        assertEquals(Budget.BUNDLE, e.event().budget());
        assertEquals(Fixture.TB1, e.event().bundleName());
        assertEquals(tb1.getBundleId(), e.event().bundleId());
        MemorySegment mine = allocator.rAlloc(100_000); // the test bundle has no quota
        assertEquals(100_000, mine.byteSize());
        allocator.rFree(mine);
        MemorySegment small = workload.apply(300); // still within tb1's quota
        assertEquals(900, bytesOf(allocator.stats(), Fixture.TB1));
        allocator.rFree(small); // any bundle may free it; tb1's account is credited
        assertEquals(600, bytesOf(allocator.stats(), Fixture.TB1));
    }
}
