package io.safealloc.itests;

import static io.safealloc.itests.Fixture.bytesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectBundleInstaller;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.install.BundleInstaller;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.osgi.util.tracker.ServiceTracker;

import io.safealloc.api.AllocatorService;

/**
 * When a bundle's leftovers are released: when the bundle stops, not when it ungets the service.
 * A component that is disposed while its bundle still holds memory must not free that memory
 * under the rest of the bundle.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ServiceLifetimeTest {


    @InjectBundleContext
    BundleContext context;

    @InjectBundleInstaller
    BundleInstaller installer;

    @InjectService(timeout = 5000)
    ServiceComponentRuntime scr;

    private Bundle tb1;

    @AfterEach
    void uninstall() throws Exception {
        if (tb1 != null && tb1.getState() != Bundle.UNINSTALLED) {
            tb1.uninstall();
        }
    }

    @Test
    void anUngetWhileTheBundleIsActiveKeepsItsMemoryAndTheNextGetGivesTheSameView() {
        ServiceReference<AllocatorService> reference = context.getServiceReference(AllocatorService.class);
        AllocatorService mine = context.getService(reference);
        MemorySegment held = mine.rAlloc(512);
        held.fill((byte) 7);
        String me = context.getBundle().getSymbolicName();
        long before = bytesOf(mine.stats(), me);
        context.ungetService(reference);
        assertFalse(Arrays.asList(usingBundles(reference)).contains(context.getBundle()),
                "this bundle no longer uses the service");

        AllocatorService again = context.getService(reference);
        try {
            assertSame(mine, again, "the bundle's view is kept while the bundle is active");
            assertEquals(before, bytesOf(again.stats(), me), "nothing was released at the unget");
            assertEquals(7, held.get(ValueLayout.JAVA_BYTE, 511), "the memory is still the bundle's");
            again.rFree(held);
            assertEquals(before - 512, bytesOf(again.stats(), me));
        } finally {
            context.ungetService(reference);
        }
    }

    @Test
    void aComponentDisposedWhileItsBundleRunsLeavesTheMemoryUntilTheBundleStops() throws Exception {
        tb1 = installer.installBundle("tb1.jar", false);
        ServiceTracker<Object, Object> workload = new ServiceTracker<>(context,
                context.createFilter("(safealloc.test=tb1)"), null);
        workload.open();
        ServiceReference<AllocatorService> reference = context.getServiceReference(AllocatorService.class);
        AllocatorService allocator = context.getService(reference);
        try {
            tb1.start();
            assertNotNull(workload.waitForService(5000), "tb1's component did not come up");
            assertEquals(600, bytesOf(allocator.stats(), Fixture.TB1));

            ComponentDescriptionDTO component = scr.getComponentDescriptionDTOs(tb1).iterator().next();
            scr.disableComponent(component).timeout(TimeUnit.SECONDS.toMillis(5)).getValue();
            assertTrue(workload.isEmpty(), "tb1's component is gone");
            assertFalse(Arrays.asList(usingBundles(reference)).contains(tb1), "tb1 released the allocator");
            assertEquals(600, bytesOf(allocator.stats(), Fixture.TB1), "tb1 still runs: its memory is still its own");

            long frees = allocator.stats().frees();
            tb1.stop();
            assertEquals(0, bytesOf(allocator.stats(), Fixture.TB1), "released when tb1 stopped");
            assertEquals(frees + 3, allocator.stats().frees());
        } finally {
            context.ungetService(reference);
            workload.close();
        }
    }

    private static Bundle[] usingBundles(ServiceReference<?> reference) {
        Bundle[] using = reference.getUsingBundles();
        return using == null ? new Bundle[0] : using;
    }
}
