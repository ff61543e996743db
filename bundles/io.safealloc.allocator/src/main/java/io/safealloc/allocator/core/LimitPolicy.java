package io.safealloc.allocator.core;

import io.safealloc.allocator.core.pressure.AutoLimit;

/**
 * Where the global limit comes from: the configured number ({@link #FIXED}), or {@code limit=auto}
 * (see {@link AutoLimit}) with the bytes to leave for everything else.
 *
 * @param auto whether the limit is derived from the machine
 * @param reserve for {@code auto}: bytes left for thread stacks, code, metaspace, libc
 */
public record LimitPolicy(boolean auto, long reserve) {

    /** The configured limit, as it is. */
    public static final LimitPolicy FIXED = new LimitPolicy(false, AutoLimit.DEFAULT_RESERVE);

    public LimitPolicy {
        if (reserve < 0) {
            throw new IllegalArgumentException("autoLimitReserve must be >= 0 bytes, was " + reserve);
        }
    }

    public static LimitPolicy auto(long reserve) {
        return new LimitPolicy(true, reserve);
    }
}
