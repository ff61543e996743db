package io.safealloc.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A snapshot of the allocator's figures: global, and per bundle.
 *
 * <p><b>Implemented by</b> the allocator. Instances are immutable snapshots, safe to share. The
 * global counters include bundles that have stopped; {@link #bundles()} lists those still holding
 * an account (that is, using the service).
 */
@ProviderType
public interface MemStats extends BundleStats {

    /**
     * {@inheritDoc}
     *
     * <p>For the global figures: the global limit in bytes (configuration {@code limit}), 0 when
     * there is none; each bundle's quota is {@link BundleStats#limit()} of its entry in
     * {@link #bundles()}.
     *
     * @return the global limit in bytes, 0 when there is none
     */
    @Override
    long limit();

    /** @return the bytes at which a {@link Cause#WARNING} is raised, 0 when there is no limit */
    long warnThreshold();

    /** @return the single-allocation cap in bytes */
    long maxAllocation();

    /** @return the accounts of the bundles using the allocator, largest {@link #bytesInUse()} first */
    List<BundleStats> bundles();

    /**
     * The whole-process pressure sources, as last measured: every configured source, active or not
     * (an inactive one says why in {@link PressureReading#detail()}), in {@link PressureSource} order.
     * This is the query for management tools (JMX, health checks, metrics, the shell) that show
     * pressure levels: it costs no measurement, the readings are the monitor's latest.
     *
     * @return the readings; empty when no source is configured
     * @since 1.1
     */
    default List<PressureReading> pressure() {
        return List.of();
    }
}
