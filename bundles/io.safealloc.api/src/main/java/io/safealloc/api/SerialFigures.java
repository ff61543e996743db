package io.safealloc.api;

import java.io.Serial;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Serializable copies of the figures a {@link MemoryAllocationException} carries, so that the
 * exception keeps them across serialization (a remote JMX client, a log shipped as Java objects)
 * whatever the allocator's own implementations are.
 */
final class SerialFigures {

    private SerialFigures() {
    }

    static MemEvent copy(MemEvent e) {
        return e == null ? null : new Event(e.cause(), e.size(), e.bytesInUse(), e.limit(), e.budget(),
                e.bundleBytesInUse(), e.bundleLimit(), e.attempt(), e.bundleId(), e.bundleName(),
                copyAll(e.topHolders()));
    }

    static MemStats copy(MemStats s) {
        if (s == null) {
            return null;
        }
        Bundle all = copy((BundleStats) s);
        return new Stats(all.bundleId(), all.bundleName(), all.bytesInUse(), all.peak(), all.limit(),
                all.liveAllocations(), all.allocations(), all.frees(), all.failures(), s.warnThreshold(),
                s.maxAllocation(), copyAll(s.bundles()));
    }

    private static List<BundleStats> copyAll(List<BundleStats> all) {
        return all == null ? List.of() : all.stream().<BundleStats>map(SerialFigures::copy).toList();
    }

    private static Bundle copy(BundleStats b) {
        EnumMap<Cause, Long> failures = new EnumMap<>(Cause.class);
        failures.putAll(b.failures());
        return new Bundle(b.bundleId(), b.bundleName(), b.bytesInUse(), b.peak(), b.limit(), b.liveAllocations(),
                b.allocations(), b.frees(), failures);
    }

    record Event(Cause cause, long size, long bytesInUse, long limit, Budget budget, long bundleBytesInUse,
            long bundleLimit, int attempt, long bundleId, String bundleName, List<BundleStats> topHolders)
            implements MemEvent, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    record Bundle(long bundleId, String bundleName, long bytesInUse, long peak, long limit, long liveAllocations,
            long allocations, long frees, EnumMap<Cause, Long> failures) implements BundleStats, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    record Stats(long bundleId, String bundleName, long bytesInUse, long peak, long limit, long liveAllocations,
            long allocations, long frees, EnumMap<Cause, Long> failures, long warnThreshold, long maxAllocation,
            List<BundleStats> bundles) implements MemStats, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }
}
