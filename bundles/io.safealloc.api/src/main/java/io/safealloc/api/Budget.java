package io.safealloc.api;

/** Which budget a {@link Cause#LIMIT} event hit. */
public enum Budget {
    /** Not a budget event (the cause is not {@link Cause#LIMIT}). */
    NONE,
    /** The allocator's global {@code limit}. */
    GLOBAL,
    /** The requesting bundle's own quota (factory configuration {@code io.safealloc.quota}). */
    BUNDLE
}
