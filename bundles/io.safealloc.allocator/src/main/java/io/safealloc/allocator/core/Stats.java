package io.safealloc.allocator.core;

import java.util.List;
import java.util.Map;

import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemStats;
import io.safealloc.api.PressureReading;

/** An immutable snapshot of the allocator's figures. */
record Stats(long bundleId, String bundleName, long bytesInUse, long peak, long limit, long liveAllocations,
        long allocations, long frees, Map<Cause, Long> failures, long warnThreshold, long maxAllocation,
        List<BundleStats> bundles, List<PressureReading> pressure) implements MemStats {
}
