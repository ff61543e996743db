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

    /** @return live allocations */
    long count();

    /** @return their accounted bytes */
    long bytes();

    /** @return the size of the largest one */
    long largest();
}
