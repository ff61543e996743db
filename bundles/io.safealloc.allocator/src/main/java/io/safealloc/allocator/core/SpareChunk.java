package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * One thread's spare first chunk for its confined arenas: lent to the arena that opens while it is
 * free, given back when that arena closes on the thread, so that the thread's next arena carves its
 * first blocks without a {@code malloc} and its close without a {@code free}. A thread's arenas are
 * mostly opened and closed in turn (try-with-resources around a native call), so one spare serves
 * them all; an arena that opens while the spare is lent takes its chunk from {@code malloc}.
 *
 * <p>The chunk comes from an automatic arena ({@link java.lang.foreign.Arena#ofAuto()}), not from
 * the backend: the garbage collector frees it once its thread's ledger is unreachable (the thread
 * ended and was folded, or the allocator was dropped), so it needs no close of its own, and no
 * thread but its own ever touches it. It is the allocator's overhead, as a chunk's unused tail is:
 * never booked; what an arena books is what was asked for. It is made at the thread's second
 * request, so a thread that opens one arena only never pays for it; if it cannot be made (an
 * {@link OutOfMemoryError}: the heap, or the JVM's direct memory limit; or any other exception of
 * the maker) the thread goes on without, and the caller, which booked its block already, is never
 * thrown at.
 *
 * <p>While it is lent, its thread must keep it reachable: a segment can outlive its arena object
 * (and the whole allocator), and the collector must not free the memory under a segment that can
 * still be read. The thread reaches it through its thread-local map, whose entry for the
 * allocator's ledgers holds the thread's ledger, which holds this; such an entry is dropped once
 * its key (the allocator's {@link ThreadLocal}) is unreachable, so the borrower reaches that key
 * while it holds this (see {@link ArenaBlocks#addSpare}); this does not refer to it, so that a
 * dropped allocator is not kept by its threads, and so that lending stores no reference into this
 * old object (G1 charges such a store a fence). A thread that has ended cannot read its confined
 * segments any more, so the chunk may go with it.
 *
 * <p>An arena closed elsewhere than on its thread (its owner's release after the thread ended, or
 * the cleaner once a revoked arena was dropped) does not give the spare back: it stays lent, and
 * the thread takes its first chunks from {@code malloc} from then on.
 *
 * <p>Not thread-safe: only its thread calls it.
 */
final class SpareChunk {

    private MemorySegment segment; // keeps the chunk alive: its automatic arena frees it with this
    private long address;
    private boolean lent;
    private boolean requested;
    private boolean unavailable;

    /** @return a new spare: {@link ConfinedSafeArena#FIRST_CHUNK} bytes, aligned to 16, freed by the collector */
    static MemorySegment make() {
        return Arena.ofAuto().allocate(ConfinedSafeArena.FIRST_CHUNK, Arenas.MALLOC_ALIGNMENT);
    }

    /**
     * @param maker makes the spare ({@link #make} but in tests)
     * @return the spare's address, lent to the caller until {@link #giveBack}; 0 when it is lent
     *     already, not made yet (the thread's first request), or cannot be made
     */
    long lend(Supplier<MemorySegment> maker) {
        if (lent) {
            return 0;
        }
        if (segment == null && !make(maker)) {
            return 0;
        }
        lent = true;
        return address;
    }

    private boolean make(Supplier<MemorySegment> maker) {
        if (!requested || unavailable) {
            requested = true;
            return false;
        }
        MemorySegment made;
        try {
            made = maker.get();
        } catch (OutOfMemoryError | RuntimeException noSpare) { // an optimisation only: the arenas use malloc
            unavailable = true;
            return false;
        }
        segment = made;
        address = made.address();
        return true;
    }

    /** The arena it was lent to closed on this thread (its segments are dead). */
    void giveBack() {
        lent = false;
    }

    /** @return whether it is made and not lent (tests) */
    boolean isFree() {
        return segment != null && !lent;
    }
}
