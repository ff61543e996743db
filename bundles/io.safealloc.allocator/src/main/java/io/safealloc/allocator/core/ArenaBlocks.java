package io.safealloc.allocator.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one arena holds: the blocks it took from {@code malloc} (addresses and sizes in one growing
 * {@code long[]}: no entry in the live table, no object per block), and the figures of the
 * allocations it handed out (a confined arena carves small ones from its malloc'd chunks, so the
 * two differ). {@link #freeAll} frees the malloc'd blocks and credits the owner's account in one step
 * (bytes and frees in bulk).
 *
 * <p>Thread-safety: {@link #add} is called by one thread at a time (the confined arena's owner, or
 * a shared arena under its lock). {@link #freeAll} is never called by two threads at once, so a
 * flag (no compare-and-set) keeps it to one run: a shared arena's lock lets one close through; a
 * confined arena is freed by its own thread, by a release once that thread has ended, or by the
 * cleaner once nothing can reach the arena (so its thread cannot be closing it). The figures read by
 * {@link #count()} and {@link #bytes()} from other threads are weakly consistent (a holdings scan).
 */
final class ArenaBlocks implements Runnable {

    private static final VarHandle FREED;
    private static final VarHandle BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            FREED = lookup.findVarHandle(ArenaBlocks.class, "freed", boolean.class);
            BYTES = lookup.findVarHandle(ArenaBlocks.class, "bytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Also what keeps a lent spare reachable from its thread ({@link #addSpare}). */
    final Arenas arenas;
    final Account account;
    // What was taken from malloc: the first block in two fields (an arena of one chunk allocates no
    // array), the others as address, size, address, size, ...
    private long firstAddress;
    private long firstSize;
    private long[] more;
    private int malloced;
    /** The spare chunk its first block is (its confined arena's thread's: lent, never freed here), or {@code null}. */
    private SpareChunk spare;
    /** Allocations handed out, and their accounted bytes. */
    private int count;
    private long bytes;
    private long largest;
    @SuppressWarnings("unused") // through FREED
    private boolean freed;

    ArenaBlocks(Arenas arenas, Account account) {
        this.arenas = arenas;
        this.account = account;
    }

    /** @return whether it holds no block yet */
    boolean isEmpty() {
        return malloced == 0;
    }

    /**
     * The first block: its confined arena's thread's spare chunk ({@link SpareChunk}), given back
     * when the arena closes. Until then the spare must stay reachable from its thread, and it does
     * through this: this reaches the allocator's thread-local key ({@link #arenas}, its ledgers),
     * and while the arena may be read, this is reachable from the thread (its list of open arenas)
     * or from the cleaner (an arena its owner's release revoked, and took off the list).
     */
    void addSpare(SpareChunk lent, long address, long size) {
        firstAddress = address;
        firstSize = size;
        spare = lent;
        malloced = 1;
    }

    /** A block taken from malloc, freed when the arena closes. */
    void add(long address, long size) {
        if (malloced == 0) {
            firstAddress = address;
            firstSize = size;
        } else {
            int i = (malloced - 1) * 2;
            if (more == null) {
                more = arenas.newList(8);
            } else if (i == more.length) {
                long[] grown = arenas.newList(i * 2);
                System.arraycopy(more, 0, grown, 0, i);
                more = grown;
            }
            more[i] = address;
            more[i + 1] = size;
        }
        malloced = malloced + 1;
    }

    /**
     * Lists a block {@link Arenas#allocate} just booked and took from libc; if listing throws (an
     * {@link OutOfMemoryError} growing the list), the block is freed and unbooked before the error
     * goes on, so that libc and the books keep nothing the arena could not free.
     */
    void addOrDiscard(long address, long accounted) {
        try {
            add(address, Math.max(accounted, 1));
        } catch (Throwable notListed) {
            arenas.discard(account, address, accounted);
            throw notListed;
        }
    }

    /** An allocation handed out (booked to the owner already). */
    void book(long accounted) {
        count = count + 1;
        if (accounted > largest) {
            largest = accounted;
        }
        BYTES.setOpaque(this, bytes + accounted);
    }

    /** @return the largest block (weakly consistent from another thread) */
    long largest() {
        return largest;
    }

    /** @return blocks held (weakly consistent from another thread) */
    int count() {
        return count;
    }

    /** @return accounted bytes held (weakly consistent from another thread) */
    long bytes() {
        return (long) BYTES.getOpaque(this);
    }

    boolean isFreed() {
        return (boolean) FREED.getVolatile(this);
    }

    /**
     * Frees every block and credits the owner: the caller's ledger counts the frees and takes back
     * the bytes in one step. Only the first call does anything (calls never overlap: see above).
     *
     * @return whether this call freed them
     */
    boolean freeAll() {
        return freeAll(arenas.ledgerOf(account), false);
    }

    /**
     * The same, crediting {@code creditTo}: the calling thread's ledger for the owner, kept by the
     * caller. A spare chunk goes back to its thread when the arena's own thread frees it; freed
     * elsewhere (its thread ended, or dropped a revoked arena), it stays lent (see {@link SpareChunk}).
     */
    boolean freeAll(AccountLedger creditTo, boolean onArenaThread) {
        if ((boolean) FREED.getAcquire(this)) {
            return false;
        }
        FREED.setRelease(this, true); // before the frees: the registry skips the arena from now on
        if (malloced > 0) {
            if (spare == null) {
                arenas.free(firstAddress, firstSize);
            } else if (onArenaThread) {
                spare.giveBack(); // the arena's segments are dead: its thread's next arena takes it
            }
        }
        for (int i = 0; i < (malloced - 1) * 2; i += 2) {
            arenas.free(more[i], more[i + 1]);
        }
        arenas.credit(creditTo, count, bytes);
        more = null;
        return true;
    }

    /** The cleaner's action: an orphaned arena became unreachable with its blocks. */
    @Override
    public void run() {
        if (freeAll()) {
            arenas.freedByCleaner(account, count, bytes);
        }
    }
}
