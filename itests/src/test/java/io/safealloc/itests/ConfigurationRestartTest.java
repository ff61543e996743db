package io.safealloc.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;
import org.osgi.util.tracker.ServiceTracker;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;

/**
 * The allocator always comes up: a stored configuration it cannot use (a size as text with a unit is
 * fine; "lots" or warnPercent=150 are not) runs the last valid configuration after a restart, and
 * the log says what is in force and where it came from.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ConfigurationRestartTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    private LogRecords log;

    @AfterEach
    void restore() throws Exception {
        if (log != null) {
            log.close();
        }
        AllocatorService allocator = currentAllocator();
        Fixture.configure(configAdmin, allocator, 0);
    }

    private void store(Object... keyValues) throws Exception {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(AllocatorConstants.DEFAULT_RECOVERY, "FAIL");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        configAdmin.getConfiguration(AllocatorConstants.PID, "?").update(properties);
    }

    private AllocatorService currentAllocator() throws InterruptedException {
        ServiceTracker<AllocatorService, AllocatorService> tracker = new ServiceTracker<>(context,
                AllocatorService.class, null);
        tracker.open();
        try {
            AllocatorService allocator = tracker.waitForService(5000);
            assertNotNull(allocator, "the allocator service is up");
            return allocator;
        } finally {
            tracker.close();
        }
    }

    /** The allocator bundle's symbolic name happens to equal its PID. */
    private Bundle allocatorBundle() {
        return Arrays.stream(context.getBundles()).filter(b -> "io.safealloc.allocator".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
    }

    @Test
    void aSizeWithAUnitIsAccepted() throws Exception {
        store(AllocatorConstants.LIMIT, "64m", AllocatorConstants.MAX_ALLOCATION, "1m");
        AllocatorService allocator = currentAllocator();
        Fixture.await("limit 64m", () -> allocator.stats().limit() == 64L << 20);
        assertEquals(1L << 20, allocator.stats().maxAllocation());
    }

    @Test
    void anUnusableStoredConfigurationRunsTheLastValidOneAfterARestart() throws Exception {
        AllocatorService before = currentAllocator();
        Fixture.configure(configAdmin, before, 5000, AllocatorConstants.WARN_PERCENT, 50);
        log = new LogRecords(AllocatorConstants.PID);
        store(AllocatorConstants.LIMIT, 5000L, AllocatorConstants.WARN_PERCENT, 150);
        Fixture.await("the rejection", () -> log.lines.stream().anyMatch(l -> l.contains("rejected")));
        assertEquals(2500, before.stats().warnThreshold(), "rejected live: the previous settings run");

        Bundle bundle = allocatorBundle();
        bundle.stop();
        bundle.start();

        AllocatorService after = currentAllocator();
        assertEquals(5000, after.stats().limit(), "the last valid limit, not 'no budget'");
        assertEquals(2500, after.stats().warnThreshold(), "the last valid warnPercent");
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("configuration io.safealloc.allocator rejected: "
                + "warnPercent must be between 1 and 100, was 150; in force: ") && l.contains("limit=5000, warnPercent=50")
                && l.contains("from the last valid configuration (")), log.lines.toString());
    }

    @Test
    void aValueOfTheWrongTypeAtStartStillBringsTheAllocatorUp() throws Exception {
        AllocatorService before = currentAllocator();
        Fixture.configure(configAdmin, before, 6000);
        log = new LogRecords(AllocatorConstants.PID);
        store(AllocatorConstants.LIMIT, "lots");
        Fixture.await("the rejection", () -> log.lines.stream().anyMatch(l -> l.contains("rejected")));

        Bundle bundle = allocatorBundle();
        bundle.stop();
        bundle.start();

        AllocatorService after = currentAllocator();
        assertEquals(6000, after.stats().limit());
        assertTrue(log.lines.stream().anyMatch(l -> l.contains("limit must be a size in bytes (a number, or with k, "
                + "m, g or t), was lots; in force: ")), log.lines.toString());
    }
}
