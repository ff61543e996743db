package io.safealloc.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The figures of one bundle's account (one owner when the core is used outside OSGi).
 *
 * <p><b>Implemented by</b> the allocator. Instances are immutable snapshots, safe to share.
 */
@ProviderType
public interface BundleStats {

    /** @return the bundle id, or {@link MemEvent#NO_BUNDLE_ID} outside OSGi */
    long bundleId();

    /** @return the bundle's symbolic name, or {@link MemEvent#NO_BUNDLE_NAME} outside OSGi */
    String bundleName();

    /**
     * @return bytes currently allocated and not yet freed; exact when no call is in flight (the
     *     figure is summed over per-thread ledgers, each at most one call behind while calls run)
     */
    long bytesInUse();

    /**
     * @return the highest figure the budget granted: {@link #bytesInUse()} plus the small reserves
     *     that allocating threads keep (per thread at most a 1024th of the limit and at most 4 MiB;
     *     without a limit 64 KiB, or as much as the largest block the thread freed, at most 4 MiB);
     *     exact when a single thread allocates, never below the true peak
     */
    long peak();

    /** @return the bundle's quota in bytes, 0 when it has none */
    long limit();

    /** @return the number of allocations currently live */
    long liveAllocations();

    /** @return successful allocations (rAlloc, rAllocType, rMemdup, adopt, and rRealloc of NULL) */
    long allocations();

    /** @return successful frees, including allocations released when the bundle stopped */
    long frees();

    /**
     * @return the number of allocation calls that raised each cause (every cause is a key, possibly
     *     with 0); a {@link Cause#WARNING} counts crossings of the warning threshold
     */
    Map<Cause, Long> failures();
}
