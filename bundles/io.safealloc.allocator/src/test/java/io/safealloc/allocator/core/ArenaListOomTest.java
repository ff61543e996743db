package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.safealloc.api.Recovery;

/**
 * An arena whose list of malloc'd blocks cannot grow (an {@link OutOfMemoryError} for the list's new
 * array) throws that error and keeps nothing it cannot free: the block that could not be listed is
 * freed at once and unbooked, the arena stays usable, and its close leaves libc and the books at
 * zero. Thrown at each step that lists a block: the first array (a block after the first) and its
 * growth (the sixth block), for a confined arena's chunks, a confined arena's own blocks (too big to
 * carve) and a shared arena's blocks.
 */
class ArenaListOomTest {

    /** Allocates arena lists as asked, except that once armed the next one fails. */
    static final class FailingLists implements IntFunction<long[]> {
        final AtomicInteger failuresLeft = new AtomicInteger();
        final AtomicInteger thrown = new AtomicInteger();

        @Override
        public long[] apply(int length) {
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                thrown.incrementAndGet();
                throw new OutOfMemoryError("test: no heap for the arena's block list (" + length + " longs)");
            }
            return new long[length];
        }
    }

    @ParameterizedTest(name = "{0} arena, {1}-byte blocks, failing at malloc''d block {2}")
    @CsvSource({
        // carved: the second chunk (after 16 blocks of 64 B) needs the first list array, the sixth
        // (after 16 + 64 + 256 + 1024 + 1024 blocks) its growth
        "confined, 64, 2",
        "confined, 64, 6",
        "confined, 600, 2",
        "confined, 600, 6",
        "shared, 64, 2",
        "shared, 64, 6",
    })
    void aBlockThatCannotBeListedIsFreedAndUnbookedAndTheArenaGoesOn(String kind, long size, int failingBlock) {
        FaultInjectingBackend libc = FaultInjectingBackend.reliable();
        FailingLists lists = new FailingLists();
        SafeAllocator allocator = SafeAllocator.builder().backend(libc).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .arenaLists(lists)
                .build();
        OwnerView view = allocator.open(new Owner(3, "lister"));
        Function<OwnerView, Arena> open = kind.equals("shared") ? OwnerView::sharedArena : OwnerView::confinedArena;
        try (Arena arena = open.apply(view)) {
            int allocations = 0;
            while (libc.outstandingBlocks() < failingBlock - 1 || !nextNeedsABlock(libc, arena, size, allocations)) {
                arena.allocate(size);
                allocations++;
            }
            int mallocedBefore = libc.outstandingBlocks();
            long callsBefore = libc.calls();
            lists.failuresLeft.set(1);

            assertThrows(OutOfMemoryError.class, () -> arena.allocate(size));

            assertEquals(1, lists.thrown.get());
            assertEquals(callsBefore + 1, libc.calls()); // the block was taken from libc ...
            assertEquals(mallocedBefore, libc.outstandingBlocks()); // ... and given back at once
            assertEquals(allocations * size, allocator.stats().bytesInUse()); // and unbooked
            assertEquals(allocations, allocator.stats().liveAllocations());

            arena.allocate(size).fill((byte) 7); // the arena goes on
            assertEquals((allocations + 1) * size, allocator.stats().bytesInUse());
        }
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(0, allocator.stats().liveAllocations());
        assertEquals(0, libc.outstandingBlocks());
        assertEquals(0, view.release().count());
    }

    /**
     * Whether the next allocation takes a block from libc: always for blocks that are not carved;
     * for carved ones, when the chunks taken so far are full (their sizes are the arena's constants).
     */
    private static boolean nextNeedsABlock(FaultInjectingBackend libc, Arena arena, long size, int allocations) {
        if (!(arena instanceof ConfinedSafeArena) || size > ConfinedSafeArena.CARVE_MAX) {
            return true;
        }
        long perBlock = Math.max(16, (size + 15) & -16);
        long capacity = 0;
        long chunk = ConfinedSafeArena.FIRST_CHUNK;
        for (int i = 0; i < libc.outstandingBlocks(); i++) {
            capacity += chunk / perBlock;
            chunk = Math.min(chunk * 4, ConfinedSafeArena.MAX_CHUNK);
        }
        return allocations == capacity;
    }
}
