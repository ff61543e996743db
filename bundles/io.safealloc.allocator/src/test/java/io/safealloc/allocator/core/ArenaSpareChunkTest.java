package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.safealloc.api.Recovery;

/**
 * Confined arenas with their thread's spare first chunk: what libc sees (a counting backend that
 * refuses to free what it did not hand out), what the books say, and what the segments read.
 */
class ArenaSpareChunkTest {

    private final FaultInjectingBackend libc = FaultInjectingBackend.reliable();
    private final AtomicInteger made = new AtomicInteger();
    private SafeAllocator allocator = allocator(() -> {
        made.incrementAndGet();
        return SpareChunk.make();
    });
    private OwnerView view = allocator.open(new Owner(5, "spare"));

    private SafeAllocator allocator(Supplier<MemorySegment> spares) {
        return SafeAllocator.builder().backend(libc).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .spareChunks(spares)
                .build();
    }

    @AfterEach
    void nothingIsLeftInLibcOrTheBooks() {
        assertEquals(0, view.release().count());
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(0, libc.outstandingBlocks());
    }

    /** One arena of one 64-byte block, closed: returns the block's address, after checking it was zeroed. */
    private long oneBlockArena(byte fill) {
        try (Arena arena = view.confinedArena()) {
            MemorySegment block = arena.allocate(64);
            for (long i = 0; i < 64; i++) {
                assertEquals(0, block.get(JAVA_BYTE, i));
            }
            block.fill(fill);
            assertEquals(64, allocator.stats().bytesInUse());
            return block.address();
        }
    }

    @Test
    void aThreadsNextArenasTakeTheSpareAndNeitherMallocNorFree() {
        oneBlockArena((byte) 1); // the thread's first arena: its chunk comes from malloc
        assertEquals(1, libc.calls());
        assertEquals(1, libc.frees());

        long second = oneBlockArena((byte) 2);
        long third = oneBlockArena((byte) 3); // zeroed again, though the second wrote there
        assertEquals(second, third);
        assertEquals(1, made.get());
        assertEquals(1, libc.calls());
        assertEquals(1, libc.frees());
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(0, allocator.stats().liveAllocations());
        io.safealloc.api.BundleStats mine = allocator.stats().bundles().stream()
                .filter(b -> b.bundleName().equals("spare")).findFirst().orElseThrow();
        assertEquals(3, mine.allocations());
        assertEquals(3, mine.frees());
    }

    @Test
    void aSegmentOfAnArenaThatHadTheSpareIsDeadAfterItsClose() {
        oneBlockArena((byte) 1);
        MemorySegment kept;
        try (Arena arena = view.confinedArena()) {
            kept = arena.allocate(16);
        }
        assertThrows(IllegalStateException.class, () -> kept.get(JAVA_LONG, 0));
        oneBlockArena((byte) 2); // the next borrower: the old segment still cannot reach its memory
        assertThrows(IllegalStateException.class, () -> kept.get(JAVA_LONG, 0));
    }

    @Test
    void anArenaOpenedWhileTheSpareIsLentTakesItsChunkFromMalloc() {
        oneBlockArena((byte) 1);
        try (Arena outer = view.confinedArena()) {
            MemorySegment a = outer.allocate(64);
            try (Arena inner = view.confinedArena()) {
                MemorySegment b = inner.allocate(64);
                assertEquals(2, libc.calls());
                assertEquals(1, libc.outstandingBlocks());
                assertNotEquals(a.address(), b.address());
                assertEquals(128, allocator.stats().bytesInUse());
            }
            assertEquals(0, libc.outstandingBlocks());
            a.fill((byte) 9); // the outer arena's block, in the spare, is untouched by the inner close
            assertEquals(64, allocator.stats().bytesInUse());
        }
        oneBlockArena((byte) 2);
        assertEquals(2, libc.calls()); // the spare went back to the thread with the outer arena's close
    }

    /** Whatever the maker throws, after the block was booked: the arena goes on with malloc, the books stay exact. */
    @ParameterizedTest(name = "the maker throws {0}")
    @ValueSource(strings = {"OutOfMemoryError", "IllegalStateException"})
    void aSpareThatCannotBeMadeLeavesTheThreadOnMalloc(String thrown) {
        view.release();
        allocator = allocator(() -> {
            made.incrementAndGet();
            if (thrown.equals("OutOfMemoryError")) {
                throw new OutOfMemoryError("Cannot reserve 1024 bytes of direct buffer memory");
            }
            throw new IllegalStateException("no spare today");
        });
        view = allocator.open(new Owner(6, "no spare"));
        for (int i = 0; i < 4; i++) {
            oneBlockArena((byte) i);
        }
        assertEquals(1, made.get());
        assertEquals(4, libc.calls());
        assertEquals(4, libc.frees());
    }

    /**
     * The spare lives as long as its thread's thread-local entry, which goes once the allocator
     * (the entry's key) is unreachable. An open arena's segment can outlive every reference to the
     * allocator, so while an arena holds the spare, the thread must keep the key (through its list
     * of open arenas); ArenaTest shows that a thread keeps nothing once the owner is released.
     */
    @Test
    void whileAnOpenArenaHoldsTheSpareItsThreadKeepsTheAllocatorsKey() throws Exception {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            MemorySegment[] segment = new MemorySegment[1];
            WeakReference<Object> key = openOnTheSpareAndDropTheAllocator(segment);
            SpareChunkTest.dropStaleThreadLocals();
            outcome.set(key.get() != null && segment[0].get(JAVA_LONG, 0) == 0x5AFE ? "kept" : "collected");
        });
        thread.join();
        assertEquals("kept", outcome.get());
    }

    /** Leaves an open arena whose block is the thread's spare; {@code segment[0]} gets its segment, the rest is dropped. */
    private static WeakReference<Object> openOnTheSpareAndDropTheAllocator(MemorySegment[] segment) {
        SafeAllocator a = SafeAllocator.builder().silent().build();
        OwnerView v = a.open(new Owner(9, "dropped"));
        v.confinedArena().close(); // asks for the spare: the next arena takes it
        segment[0] = v.confinedArena().allocate(64);
        segment[0].set(JAVA_LONG, 0, 0x5AFE);
        assertEquals(false, a.ledgers().of(v.account()).thread.spare.isFree());
        return new WeakReference<>(a.ledgers().threadLocalKey());
    }

    @Test
    void aSpareLentToAnArenaWhoseThreadEndedIsNeverFreedThroughLibc() throws Exception {
        AtomicReference<Arena> leftOpen = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().start(() -> {
            oneBlockArena((byte) 1);
            Arena arena = view.confinedArena();
            arena.allocate(50).fill((byte) 5);
            leftOpen.set(arena);
        });
        worker.join();
        assertEquals(0, libc.outstandingBlocks()); // the open arena's block is in the spare, not in libc
        assertEquals(50, allocator.stats().bytesInUse());

        // The release frees what libc holds; a free of the spare would fail this backend's check.
        Leaks leaks = view.release();
        assertEquals(1, leaks.arenas());
        assertEquals(50, leaks.arenaBytes());
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(1, libc.frees());
        view = allocator.open(new Owner(8, "after"));
    }
}
