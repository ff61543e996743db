package io.safealloc.itests;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemStats;

/** Shared steps of the integration tests. */
final class Fixture {

    /** The symbolic name of the allocating test bundle tb1. */
    static final String TB1 = "io.safealloc.itests.tb1";

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private Fixture() {
    }

    /**
     * Waits until {@code condition} holds: Config Admin and SCR apply changes on their own threads,
     * and the only signal that a change took effect is the allocator's observable state.
     */
    static void await(String what, BooleanSupplier condition) {
        await(what, condition, java.time.Duration.ofNanos(TIMEOUT_NANOS));
    }

    static void await(String what, BooleanSupplier condition, java.time.Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Sets the allocator's configuration (default recovery FAIL: no test may end its framework) and
     * waits until the allocator reports the new limit.
     */
    static void configure(ConfigurationAdmin admin, AllocatorService allocator, long limit, Object... more)
            throws IOException {
        Configuration config = admin.getConfiguration(AllocatorConstants.PID, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(AllocatorConstants.DEFAULT_RECOVERY, "FAIL");
        properties.put(AllocatorConstants.LIMIT, limit);
        for (int i = 0; i < more.length; i += 2) {
            properties.put((String) more[i], more[i + 1]);
        }
        config.update(properties);
        await("limit " + limit, () -> allocator.stats().limit() == limit);
    }

    static ServiceRegistration<MemHandler> register(BundleContext context, MemHandler handler, Object ranking) {
        Dictionary<String, Object> properties = new Hashtable<>();
        if (ranking != null) {
            properties.put("service.ranking", ranking);
        }
        return context.registerService(MemHandler.class, handler, properties);
    }

    static long bytesOf(MemStats stats, String bundle) {
        return stats.bundles().stream().filter(b -> b.bundleName().equals(bundle))
                .mapToLong(b -> b.bytesInUse()).sum();
    }

}
