package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;

/** The service as published, and configuration through Config Admin applied live. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ConfigurationTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @InjectService(timeout = 5000)
    MetaTypeService metaType;

    @Test
    void theServiceIsBundleScopedAndAllocatesNativeMemoryInsideOsgi() {
        ServiceReference<AllocatorService> ref = context.getServiceReference(AllocatorService.class);
        assertEquals("bundle", ref.getProperty("service.scope"));
        MemorySegment s = allocator.rAlloc(64);
        assertTrue(s.isNative());
        s.fill((byte) 1);
        allocator.rFree(s);
        assertThrows(IllegalArgumentException.class, () -> allocator.rFree(s));
    }

    @Test
    void aLimitUpdateTakesEffectWithoutReRegisteringTheService() throws Exception {
        configure(configAdmin, allocator, 0);
        ServiceReference<AllocatorService> ref = context.getServiceReference(AllocatorService.class);
        Object serviceId = ref.getProperty("service.id");
        List<ServiceEvent> events = new CopyOnWriteArrayList<>();
        ServiceListener listener = events::add;
        context.addServiceListener(listener, "(objectClass=" + AllocatorService.class.getName() + ")");
        try {
            MemorySegment held = allocator.rAlloc(3000);
            configure(configAdmin, allocator, 2048);
            assertEquals(Cause.LIMIT, assertThrows(MemoryAllocationException.class, () -> allocator.rAlloc(1)).cause());
            assertEquals(3000, allocator.stats().bytesInUse() - othersBytes(), "no allocation lost or re-accounted");
            allocator.rFree(held);
            configure(configAdmin, allocator, 1 << 20);
            allocator.rFree(allocator.rAlloc(1));
        } finally {
            context.removeServiceListener(listener);
        }
        assertTrue(events.stream().noneMatch(e -> e.getType() == ServiceEvent.UNREGISTERING), events.toString());
        assertEquals(serviceId, context.getServiceReference(AllocatorService.class).getProperty("service.id"));
    }

    private long othersBytes() {
        String me = org.osgi.framework.FrameworkUtil.getBundle(getClass()).getSymbolicName();
        return allocator.stats().bundles().stream().filter(b -> !b.bundleName().equals(me))
                .mapToLong(b -> b.bytesInUse()).sum();
    }

    @Test
    void anInvalidConfigurationIsRejectedAndThePreviousKept() throws Exception {
        configure(configAdmin, allocator, 5000);
        String me = org.osgi.framework.FrameworkUtil.getBundle(getClass()).getSymbolicName();
        allocator.rFree(allocator.rAlloc(1)); // make sure this bundle has an account to put a quota on
        Configuration config = configAdmin.getConfiguration(AllocatorConstants.PID, "?");
        Hashtable<String, Object> bad = new Hashtable<>();
        bad.put(AllocatorConstants.LIMIT, 7000L);
        bad.put(AllocatorConstants.WARN_PERCENT, 0);
        bad.put(AllocatorConstants.DEFAULT_RECOVERY, "FAIL");
        config.update(bad);
        // Config Admin delivers updates in order on one thread: once a later change (a quota) shows,
        // the bad configuration has been processed.
        Configuration probe = configAdmin.createFactoryConfiguration(AllocatorConstants.QUOTA_FACTORY_PID, "?");
        Hashtable<String, Object> quota = new Hashtable<>();
        quota.put(AllocatorConstants.QUOTA_BUNDLE, me);
        quota.put(AllocatorConstants.QUOTA_LIMIT, 123_456L);
        probe.update(quota);
        try {
            Fixture.await("the probe quota", () -> allocator.stats().bundles().stream()
                    .anyMatch(b -> b.bundleName().equals(me) && b.limit() == 123_456L));
            assertEquals(5000, allocator.stats().limit(), "the invalid configuration was not applied");
            assertEquals(4250, allocator.stats().warnThreshold(), "nor half of it");
        } finally {
            probe.delete();
        }
        configure(configAdmin, allocator, 6000);
        assertEquals(5100, allocator.stats().warnThreshold());
    }

    @Test
    void metatypeDescribesThePidForConfigurationTools() {
        Bundle allocatorBundle = Arrays.stream(context.getBundles())
                .filter(b -> "io.safealloc.allocator".equals(b.getSymbolicName())).findFirst().orElseThrow();
        ObjectClassDefinition ocd = metaType.getMetaTypeInformation(allocatorBundle)
                .getObjectClassDefinition("io.safealloc.allocator", null);
        assertNotNull(ocd);
        // The documented PID, once as a literal: every other test uses the API's constant.
        assertEquals("io.safealloc.allocator", ocd.getID());
        assertEquals(AllocatorConstants.PID, ocd.getID());
        List<String> ids = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)).map(a -> a.getID()).toList();
        assertTrue(ids.containsAll(List.of("limit", "warnPercent", "maxAllocation", "maxRetries", "defaultRecovery",
                "abortExitCode")), ids.toString());
    }
}
