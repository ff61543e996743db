package io.safealloc.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** The OSGi test run is sane: the allocator bundle is active and Declarative Services is there. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class FrameworkSmokeTest {

    private static final String ALLOCATOR_BSN = "io.safealloc.allocator";

    @InjectBundleContext
    BundleContext context;

    @Test
    void allocatorBundleIsActive() {
        Bundle allocator = Arrays.stream(context.getBundles())
                .filter(b -> ALLOCATOR_BSN.equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(ALLOCATOR_BSN + " is not installed; bundles: "
                        + Arrays.stream(context.getBundles())
                                .map(Bundle::getSymbolicName)
                                .collect(Collectors.joining(", "))));
        assertEquals(Bundle.ACTIVE, allocator.getState(),
                () -> ALLOCATOR_BSN + " is not ACTIVE (state " + allocator.getState() + ")");
    }

    @Test
    void declarativeServicesIsPresent(@InjectService(timeout = 5000) ServiceComponentRuntime scr) {
        assertNotNull(scr, "no ServiceComponentRuntime: SCR (org.apache.felix.scr) is missing");
    }
}
