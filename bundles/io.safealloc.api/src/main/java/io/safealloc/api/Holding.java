package io.safealloc.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What one bundle holds right now, from a scan of the live allocations ({@link AllocatorService#holdings()}).
 *
 * <p><b>Implemented by</b> the allocator. Instances are immutable snapshots, safe to share.
 */
@ProviderType
public interface Holding {

    /** @return the bundle id, or {@link MemEvent#NO_BUNDLE_ID} outside OSGi */
    long bundleId();

    /** @return the bundle symbolic name, or {@link MemEvent#NO_BUNDLE_NAME} outside OSGi */
    String bundleName();

    /** @return live allocations, the blocks of open arenas included */
    long count();

    /** @return their accounted bytes, the bytes of open arenas ({@link #arenaBytes()}) included */
    long bytes();

    /** @return the size of the largest one */
    long largest();

    /**
     * @return the arenas of this bundle that are open ({@link AllocatorService#confinedArena()},
     *     {@link AllocatorService#sharedArena()})
     * @since 1.1
     */
    long openArenas();

    /**
     * @return the accounted bytes those open arenas hold, part of {@link #bytes()} (read without
     *     stopping their threads: an arena allocating right now may be one block behind)
     * @since 1.1
     */
    long arenaBytes();
}
