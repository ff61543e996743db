package io.safealloc.allocator.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One thread's figures for one owner: what that thread allocated and freed for the owner, and the
 * part of the owner's quota it keeps in reserve (the {@link Reserve} it is). Written only by its thread, with stores that cost
 * what a plain store costs (opaque, and release for the bytes), so the allocation path takes no
 * atomic; read by anyone summing the owner's figures ({@link Account#tally()}).
 *
 * <p>Bytes can go negative: a thread that frees what another allocated credits its own ledger.
 * Only the sum over an owner's ledgers means anything.
 */
final class AccountLedger extends Reserve {

    private static final VarHandle BYTES;
    private static final VarHandle ALLOCATIONS;
    private static final VarHandle FREES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            BYTES = lookup.findVarHandle(AccountLedger.class, "bytes", long.class);
            ALLOCATIONS = lookup.findVarHandle(AccountLedger.class, "allocations", long.class);
            FREES = lookup.findVarHandle(AccountLedger.class, "frees", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Account account;
    /** The same thread's ledger for the global budget. */
    final ThreadLedger thread;
    /** Its thread's id (ids are never reused), for the lookup in {@link Account#cachedLedger()}. */
    final long threadId;

    private long bytes;
    private long allocations;
    private long frees;

    /** The arenas its thread opened for the owner. */
    final OpenArenas arenas = new OpenArenas();

    /** Whether {@link Account#cache} was tried for it (only its thread reads and writes it). */
    boolean cacheTried;

    // Keeps the fields above and the reserve's (laid out first: they are the superclass's) off the cache line of whatever object follows: two threads' ledgers
    // become neighbours in the heap when the GC copies them (they are reached one after the other),
    // and each thread writes its own on every call, so without a gap they would share a cache line
    // (what LongAdder's @Contended cells avoid). HotSpot lays out the long fields in declaration order.
    @SuppressWarnings("unused")
    private long pad1, pad2, pad3, pad4, pad5, pad6, pad7, pad8;

    AccountLedger(Account account, ThreadLedger thread) {
        super(account.budget);
        this.account = account;
        this.thread = thread;
        this.threadId = thread.owner.threadId();
    }

    /** A release store: whoever reads the new bytes (acquire) also sees the counts written before. */
    void addBytes(long delta) {
        BYTES.setRelease(this, bytes + delta);
    }

    void countAllocation() {
        ALLOCATIONS.setOpaque(this, allocations + 1);
    }

    void countFree() {
        FREES.setOpaque(this, frees + 1);
    }

    /** Counts {@code n} frees at once (an arena's blocks, freed together when it closes). */
    void countFrees(long n) {
        FREES.setOpaque(this, frees + n);
    }

    long bytes() {
        return (long) BYTES.getAcquire(this);
    }

    long allocations() {
        return (long) ALLOCATIONS.getOpaque(this);
    }

    long frees() {
        return (long) FREES.getOpaque(this);
    }

    @Override
    Thread owner() {
        return thread.owner;
    }

    boolean isDead() {
        return thread.isDead();
    }
}
