package io.safealloc.itests;

import static io.safealloc.itests.Fixture.await;
import static io.safealloc.itests.Fixture.configure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.EventAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;

/**
 * Event Admin is optional (README, "Events"): with it gone the allocator bundle stays active,
 * allocates, refuses at its limit with the handlers' decision, and only its event publisher is
 * unsatisfied. Event Admin is started again at the end, for the tests that follow.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class WithoutEventAdminTest {

    private static final String PUBLISHER = "io.safealloc.allocator.events.EventAdminPublisher";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 5000)
    ServiceComponentRuntime scr;

    @Test
    void allocatorWorksWithoutEventAdmin() throws Exception {
        ServiceReference<EventAdmin> eventAdmin = context.getServiceReference(EventAdmin.class);
        assertNotNull(eventAdmin, "the run has an Event Admin to take away");
        Bundle eventAdminBundle = eventAdmin.getBundle();
        Bundle allocatorBundle = allocatorBundle();
        await("publisher active with Event Admin", () -> publisherState() == ComponentConfigurationDTO.ACTIVE);

        eventAdminBundle.stop();
        try {
            await("Event Admin gone", () -> context.getServiceReference(EventAdmin.class) == null);
            await("publisher unsatisfied", () -> publisherState() == ComponentConfigurationDTO.UNSATISFIED_REFERENCE);
            assertEquals(Bundle.ACTIVE, allocatorBundle.getState(), "allocator bundle state");

            configure(configAdmin, allocator, 10_000);
            long before = allocator.stats().bytesInUse();
            MemorySegment held = allocator.rAlloc(6000);
            MemoryAllocationException refused = assertThrows(MemoryAllocationException.class,
                    () -> allocator.rAlloc(6000));
            assertEquals(Cause.LIMIT, refused.cause());
            allocator.rFree(held);
            assertEquals(before, allocator.stats().bytesInUse(), "bytes in use after the free");
        } finally {
            eventAdminBundle.start();
            await("Event Admin back", () -> context.getServiceReference(EventAdmin.class) != null);
            await("publisher active again", () -> publisherState() == ComponentConfigurationDTO.ACTIVE);
        }
    }

    private Bundle allocatorBundle() {
        for (Bundle bundle : context.getBundles()) {
            if ("io.safealloc.allocator".equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("io.safealloc.allocator is not installed");
    }

    /** The publisher's configuration state, or -1 while it has none. */
    private int publisherState() {
        ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(allocatorBundle(), PUBLISHER);
        if (description == null) {
            return -1;
        }
        return scr.getComponentConfigurationDTOs(description).stream()
                .mapToInt(c -> c.state).findFirst().orElse(-1);
    }
}
