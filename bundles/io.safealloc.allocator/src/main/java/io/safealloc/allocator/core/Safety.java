package io.safealloc.allocator.core;

/**
 * How much the allocator proves about the segments it is given back.
 */
public enum Safety {
    /**
     * The default: a segment is checked against the live table by address. Double frees and foreign
     * memory are rejected, but a stale segment whose address malloc has handed out again cannot be
     * told from the new allocation, and a segment can still be read after rFree (use-after-free).
     */
    FAST,
    /**
     * Every segment handed out gets a lifetime of its own (a shared {@code Arena}): after rFree (or
     * a resize that moved it, or its bundle stopping) any access through it fails with
     * {@code IllegalStateException} instead of touching memory, and a second rFree is rejected even
     * when the address has been reused. Costs an arena per allocation; for tests, staging, and
     * hunting a leak or a crash.
     */
    CHECKED
}
