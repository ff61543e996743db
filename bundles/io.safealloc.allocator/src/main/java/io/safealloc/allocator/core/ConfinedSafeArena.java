package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A confined SafeAlloc arena, like {@link Arena#ofConfined()}: only the thread that opened it may
 * allocate from it, access its segments and close it (others get {@link WrongThreadException}).
 * Because only that thread touches its block list, allocating and closing take no lock.
 *
 * <p>When its owner (bundle) closes, the release runs on another thread and cannot close the inner
 * confined scope. If the arena's thread has ended, nobody can reach the segments any more and the
 * release frees the blocks at once. Otherwise the arena is <em>revoked</em>: its next
 * {@code allocate} or {@code close} on its thread closes it (the allocate then throws
 * {@link IllegalStateException}); until then its segments stay valid, and if the thread drops the
 * arena without closing it, a {@link java.lang.ref.Cleaner} frees the blocks once the scope (and
 * so every segment) is unreachable. Freeing earlier would leave live segments on freed memory.
 */
final class ConfinedSafeArena extends SafeArena {

    /**
     * Its thread's ledger for the owner, and so its thread: what it books and credits (only that
     * thread allocates and closes).
     */
    private final AccountLedger ledger;
    /** Owner thread only. */
    private boolean closed;
    /** Set by the release of the owner, from another thread. */
    private volatile boolean revoked;

    private ConfinedSafeArena(Arena scope, ArenaBlocks blocks, AccountLedger ledger) {
        super(scope, blocks);
        this.ledger = ledger;
    }

    /**
     * Opens one for the calling thread. Its parts are made first and the arena last, so that its
     * fields are stored right after it is allocated, where the JIT stores them without a GC barrier.
     *
     * @param ledger the calling thread's ledger for {@code account}
     */
    static ConfinedSafeArena open(Arenas arenas, Account account, AccountLedger ledger) {
        Arena scope = Arena.ofConfined();
        ArenaBlocks blocks = new ArenaBlocks(arenas, account);
        return new ConfinedSafeArena(scope, blocks, ledger);
    }

    /** Blocks up to this size, aligned to at most 16, are carved from chunks; bigger ones get their own malloc. */
    static final long CARVE_MAX = 512;
    /** The first chunk: served from glibc's per-thread cache (blocks up to 1032 bytes) as fast as a small malloc. */
    static final long FIRST_CHUNK = 1024;
    static final long MAX_CHUNK = 64 * 1024;

    // The chunk blocks are carved from (owner thread only). Its first block gets a segment of its own;
    // the chunk's segment, scoped to this arena and sliced for the next blocks, is made at the second.
    private MemorySegment chunk;
    private long chunkBase;
    private long chunkUsed;
    private long chunkSize;

    @Override
    MemorySegment allocateChecked(long byteSize, long byteAlignment) {
        checkUsable("allocate");
        MemorySegment segment;
        if (byteSize <= CARVE_MAX && byteAlignment <= Arenas.MALLOC_ALIGNMENT) {
            long address = carve(byteSize);
            if (address < 0) {
                address = arenas().recover(account(), byteSize, address, () -> carve(byteSize));
            }
            blocks.book(byteSize);
            segment = address == chunkBase
                    ? segment(address, byteSize)
                    : chunkSegment().asSlice(address - chunkBase, byteSize);
        } else {
            long address = arenas().allocate(account(), byteSize, byteAlignment);
            long accounted = Arenas.accounted(byteSize, byteAlignment);
            blocks.addOrDiscard(address, accounted);
            blocks.book(accounted);
            segment = segment(address, byteSize);
        }
        if (revoked) { // the owner closed while this call ran: the block is in the lists, freed with them
            closeRevoked();
            throw arenas().revoked(account());
        }
        return zeroed(segment);
    }

    /**
     * One attempt at a carved block: books {@code size} (what is accounted is what was asked for, as
     * for rAlloc: a chunk's unused tail and the rounding to 16 bytes are the arena's overhead, as
     * malloc's own headers are rAlloc's), then takes it from the chunk, or from a new chunk (4 times
     * the last one, at most {@value #MAX_CHUNK} bytes) when it does not fit. The first chunk is the
     * thread's spare when it is free ({@link SpareChunk}), so that an arena of one chunk neither
     * mallocs nor frees.
     *
     * @return the address, or the negative cause with nothing booked
     */
    private long carve(long size) {
        long status = arenas().book(ledger, size);
        if (status < 0) {
            return status;
        }
        long need = Math.max(16, (size + 15) & -16);
        if (chunkUsed + need > chunkSize) {
            long newSize = chunkSize == 0 ? FIRST_CHUNK : Math.min(chunkSize * 4, MAX_CHUNK);
            SpareChunk spare = ledger.thread.spare;
            long address = chunkSize == 0 && blocks.isEmpty() ? arenas().lendSpare(spare) : 0;
            if (address != 0) {
                blocks.addSpare(spare, address, newSize);
            } else {
                address = arenas().mallocChunk(newSize);
                if (address == 0) {
                    arenas().unbook(account(), size);
                    return Status.FAILED;
                }
                try {
                    blocks.add(address, newSize);
                } catch (Throwable notListed) { // OutOfMemoryError growing the list: libc and the books keep nothing
                    arenas().free(address, newSize);
                    arenas().unbook(account(), size);
                    throw notListed;
                }
            }
            chunk = null;
            chunkBase = address;
            chunkUsed = 0;
            chunkSize = newSize;
        }
        long address = chunkBase + chunkUsed;
        chunkUsed += need;
        return address;
    }

    /** @return the current chunk's segment, made at its first use (its second block) */
    private MemorySegment chunkSegment() {
        MemorySegment c = chunk;
        if (c == null) {
            c = MemorySegment.ofAddress(chunkBase).reinterpret(chunkSize, scope, null);
            chunk = c;
        }
        return c;
    }

    /** @return the thread it is confined to: its ledger's */
    private Thread thread() {
        return ledger.thread.owner;
    }

    private void checkUsable(String what) {
        if (Thread.currentThread() != thread()) {
            throw new WrongThreadException(what + ": this SafeAlloc arena is confined to thread " + thread().getName()
                    + " (use a shared arena to allocate from several threads)");
        }
        if (closed) {
            throw new IllegalStateException(what + ": this SafeAlloc arena is already closed");
        }
        if (revoked) {
            closeRevoked();
            throw arenas().revoked(account());
        }
    }

    /**
     * Closes and frees, on the owner thread only. After the owner (bundle) stopped, it frees what the
     * release could not and throws nothing: the arena is closed, as the caller wanted.
     */
    @Override
    public void close() {
        if (Thread.currentThread() != thread()) {
            throw new WrongThreadException("close: this SafeAlloc arena is confined to thread " + thread().getName()
                    + "; nothing was freed");
        }
        if (closed) {
            if (revoked) {
                return; // closed because its owner stopped (a try-with-resources still closes it)
            }
            throw new IllegalStateException("close: this SafeAlloc arena is already closed");
        }
        scope.close(); // throws (nothing changed) while a native call holds one of its segments
        closed = true;
        blocks.freeAll(ledger, true); // after a release: or the cleaner did already
        ledger.arenas.closed(this);
    }

    private void closeRevoked() {
        scope.close();
        closed = true;
        blocks.freeAll(ledger, true); // or the cleaner already did, or does nothing when it runs
    }

    @Override
    ArenaLeak closeForRelease() {
        if (!isOpen()) {
            return null;
        }
        if (Thread.currentThread() == thread()) {
            int count = blocks.count();
            long bytes = blocks.bytes();
            revoked = true; // a later close() by its thread is then a no-op, as after any release
            try {
                closeRevoked();
            } catch (IllegalStateException inUse) { // a native call holds it (the release runs in its upcall)
                arenas().freeWhenUnreachable(scope.scope(), blocks);
                return new ArenaLeak(count, bytes, false);
            }
            return new ArenaLeak(count, bytes, true);
        }
        int count = blocks.count();
        long bytes = blocks.bytes();
        if (!thread().isAlive()) {
            // Nobody can reach a confined segment of a thread that has ended.
            return blocks.freeAll() ? new ArenaLeak(count, bytes, true) : null;
        }
        revoked = true;
        arenas().freeWhenUnreachable(scope.scope(), blocks);
        return new ArenaLeak(count, bytes, false);
    }
}
