package io.safealloc.allocator.core;

import java.util.List;

/**
 * What an owner still held when it was closed, all of it freed by the close (but see
 * {@link ConfinedSafeArena}: an open confined arena whose thread still runs is freed when that
 * thread closes or drops it).
 *
 * @param owner the owner that was closed
 * @param count allocations that were still live, arena blocks included
 * @param bytes their accounted size
 * @param sampleSizes the sizes of up to {@value #SAMPLE} of them (an open arena counts as one, with its bytes)
 * @param arenas arenas that were still open (their blocks are among {@code count})
 * @param arenaBytes the bytes those arenas held (among {@code bytes})
 */
public record Leaks(Owner owner, long count, long bytes, List<Long> sampleSizes, long arenas, long arenaBytes) {

    static final int SAMPLE = 10;

    /** Leaks without open arenas. */
    public Leaks(Owner owner, long count, long bytes, List<Long> sampleSizes) {
        this(owner, count, bytes, sampleSizes, 0, 0);
    }
}
