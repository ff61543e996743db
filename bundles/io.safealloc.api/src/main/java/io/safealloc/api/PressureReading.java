package io.safealloc.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One pressure source as last measured: its figures, thresholds and level. Seen in
 * {@link MemEvent#pressure()} (the measurement that crossed a level) and {@link MemStats#pressure()}
 * (every configured source, for management tools).
 *
 * <p><b>Implemented by</b> the allocator; bundles only read it. Instances are immutable snapshots,
 * safe to share between threads.
 *
 * @since 1.1
 */
@ProviderType
public interface PressureReading {

    /** @return the source measured */
    PressureSource source();

    /**
     * @return whether the source is measured; {@code false} when it is configured but could not be
     *     read (no cgroup, files missing or garbled, no such memory pool): {@link #detail()} says why
     */
    boolean active();

    /** @return the level from the last measurement ({@link PressureLevel#NORMAL} when not active) */
    PressureLevel level();

    /**
     * @return the figure compared with the thresholds, a percentage: used of the capacity (heap,
     *     direct, container, system memory), or for system PSI the higher of the two PSI figures
     *     relative to their thresholds, whichever is the more pressing; 0 when not active
     */
    double percent();

    /** @return bytes in use as measured (heap used, direct buffers, cgroup current, total minus available) */
    long used();

    /** @return the capacity those bytes are compared with, 0 when there is none or not active */
    long capacity();

    /** @return the percentage of {@link #capacity()} from which the level is {@link PressureLevel#HIGH} */
    int highPercent();

    /** @return the percentage from which the level is {@link PressureLevel#CRITICAL} */
    int criticalPercent();

    /** @return a one-line human-readable account: where the figures came from, or why the source is off */
    String detail();
}
