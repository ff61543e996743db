package io.safealloc.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An allocation problem (or warning) handed to the {@link MemHandler}s.
 *
 * <p><b>Implemented by</b> the allocator; bundles only read it. Instances are immutable snapshots
 * taken when the event was raised and safe to share between threads.
 */
@ProviderType
public interface MemEvent {

    /** Bundle id reported when the requester is not an OSGi bundle (the core used on its own). */
    long NO_BUNDLE_ID = -1;

    /** Symbolic name reported when the requester is not an OSGi bundle. */
    String NO_BUNDLE_NAME = "none";

    /** @return why the event was raised */
    Cause cause();

    /** @return the number of bytes requested (for a resize: the new size) */
    long size();

    /** @return bytes in use across all bundles when the event was raised */
    long bytesInUse();

    /** @return the global limit in bytes, 0 when there is none */
    long limit();

    /** @return the budget that was hit: {@link Budget#NONE} unless the cause is {@link Cause#LIMIT} */
    Budget budget();

    /** @return bytes the requesting bundle held when the event was raised */
    long bundleBytesInUse();

    /** @return the requesting bundle's quota in bytes, 0 when it has none */
    long bundleLimit();

    /**
     * @return the attempt number, starting at 1; incremented each time a handler answered
     *     {@link Recovery#RETRY} and the retried allocation failed again
     */
    int attempt();

    /** @return the requesting bundle's id, or {@link #NO_BUNDLE_ID} outside OSGi */
    long bundleId();

    /** @return the requesting bundle's symbolic name, or {@link #NO_BUNDLE_NAME} outside OSGi */
    String bundleName();

    /**
     * @return the bundles holding the most memory at that moment, largest first (at most five), so
     *     that whoever reads the log sees where the memory went
     */
    List<BundleStats> topHolders();

    /**
     * @return for {@link Cause#PRESSURE}: the measurement of the source that crossed a level (its
     *     {@link PressureReading#level()} is the new level); empty for every other cause
     * @since 1.1
     */
    default Optional<PressureReading> pressure() {
        return Optional.empty();
    }

    /**
     * @return for {@link Cause#PRESSURE}: the level the source was at before this crossing (lower
     *     than the new one for a rising crossing, higher for a falling one); {@link PressureLevel#NORMAL}
     *     for every other cause
     * @since 1.1
     */
    default PressureLevel previousPressureLevel() {
        return PressureLevel.NORMAL;
    }
}
