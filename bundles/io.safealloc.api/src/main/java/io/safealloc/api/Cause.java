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
    TOO_BIG
}
