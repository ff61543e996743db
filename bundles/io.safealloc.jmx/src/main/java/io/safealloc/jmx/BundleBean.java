package io.safealloc.jmx;

import java.util.Map;
import java.util.function.ToLongFunction;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.BundleStats;
import io.safealloc.api.BundleMemoryMXBean;

/**
 * A {@link BundleMemoryMXBean}: each read sums, over a fresh {@link AllocatorService#stats()}, the
 * accounts with this bean's bundle name (one, unless two versions of a bundle run side by side).
 * A bundle that no longer has an account reads 0 until {@link BundleBeans} unregisters the bean.
 * Thread-safe (stateless but for its name).
 */
final class BundleBean implements BundleMemoryMXBean {

    private final AllocatorService allocator;
    private final String bundleName;

    BundleBean(AllocatorService allocator, String bundleName) {
        this.allocator = allocator;
        this.bundleName = bundleName;
    }

    private long sum(ToLongFunction<BundleStats> figure) {
        long total = 0;
        for (BundleStats bundle : allocator.stats().bundles()) {
            if (bundle.bundleName().equals(bundleName)) {
                total += figure.applyAsLong(bundle);
            }
        }
        return total;
    }

    @Override
    public String getBundleName() {
        return bundleName;
    }

    @Override
    public long getBytesInUse() {
        return sum(BundleStats::bytesInUse);
    }

    @Override
    public long getPeak() {
        return sum(BundleStats::peak);
    }

    @Override
    public long getQuota() {
        return sum(BundleStats::limit);
    }

    @Override
    public long getLiveAllocations() {
        return sum(BundleStats::liveAllocations);
    }

    @Override
    public long getAllocations() {
        return sum(BundleStats::allocations);
    }

    @Override
    public long getFrees() {
        return sum(BundleStats::frees);
    }

    @Override
    public Map<String, Long> getFailures() {
        Map<String, Long> failures = FailureCounts.byName(Map.of());
        for (BundleStats bundle : allocator.stats().bundles()) {
            if (bundle.bundleName().equals(bundleName)) {
                failures = FailureCounts.sum(failures, bundle.failures());
            }
        }
        return failures;
    }
}
