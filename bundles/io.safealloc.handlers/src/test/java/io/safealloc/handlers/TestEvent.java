package io.safealloc.handlers;

import java.util.List;

import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;

/**
 * A MemEvent with chosen figures, for calling a handler directly (the allocator raises the real
 * ones; the tests that go through a real allocator use those).
 */
public record TestEvent(Cause cause, long size, long bytesInUse, long limit, Budget budget, long bundleBytesInUse,
        long bundleLimit, int attempt, long bundleId, String bundleName, List<BundleStats> topHolders)
        implements MemEvent {

    /** An event of {@code cause} for {@code size} bytes by bundle "sensor" [2], global figures given. */
    public static TestEvent of(Cause cause, long size, long bytesInUse, long limit) {
        return new TestEvent(cause, size, bytesInUse, limit, cause == Cause.LIMIT ? Budget.GLOBAL : Budget.NONE,
                bytesInUse, 0, 1, 2, "sensor", List.of());
    }
}
