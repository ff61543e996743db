package io.safealloc.api;

/**
 * Why a {@link MemEvent} was raised.
 *
 * <p>Enum constants may be added in a minor version: handlers should treat an unknown cause like
 * {@link #FAIL} or return {@link Recovery#DEFER}.
 */
public enum Cause {
    /**
     * Usage crossed the warning threshold ({@code warnPercent} of the global limit) upward. Raised
     * once per crossing, re-armed when usage falls back below the threshold. The allocation that
     * crossed it has succeeded; of the handlers' decisions only {@link Recovery#ABORT} is acted upon.
     */
    WARNING,
    /** The allocation would exceed a budget: the global limit or the requesting bundle's quota. */
    LIMIT,
    /** The native allocator ({@code malloc}, {@code calloc}, {@code realloc}) returned NULL. */
    FAIL,
    /**
     * The request exceeds the single-allocation cap ({@code maxAllocation}) or cannot be represented
     * (size plus alignment overflows, or exceeds what the allocator can track).
     */
    TOO_BIG,
    /**
     * Whole-process memory pressure, not an allocation: a {@link PressureSource} (the heap, direct
     * buffers, the container's memory limit, the system's available memory) crossed a
     * {@link PressureLevel} upward or fell back below one. {@link MemEvent#pressure()} names the
     * source, its figures and thresholds; {@link MemEvent#previousPressureLevel()} the level before.
     * {@link MemEvent#size()} is 0 and no bundle requested anything ({@link MemEvent#bundleId()} is
     * {@link MemEvent#NO_BUNDLE_ID}). Decisions: {@link Recovery#RETRY} "I freed something, measure
     * again", {@link Recovery#FAIL} acknowledges (no further handler is asked),
     * {@link Recovery#DEFER} asks the next handler, {@link Recovery#ABORT} stops the framework
     * gracefully and ends the process with the abort exit code. Raised on a thread of the allocator
     * (never an allocating thread), once per crossing, with hysteresis.
     *
     * @since 1.1
     */
    PRESSURE
}
