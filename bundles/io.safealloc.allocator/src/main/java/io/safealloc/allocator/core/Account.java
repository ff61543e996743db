package io.safealloc.allocator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

import io.safealloc.api.Cause;

/**
 * One owner's account: its quota budget, and its figures spread over one {@link AccountLedger}
 * per thread that allocated or freed for it (summed on read, so that the allocation path writes
 * only its own thread's ledger). Failures are rare and counted atomically here.
 */
final class Account {

    /** An owner's figures at one moment. */
    record Tally(long bytes, long allocations, long frees) {

        /** @return whether nothing is live or in flight (as far as the ledgers show) */
        boolean isQuiescent() {
            return bytes == 0 && allocations == frees;
        }
    }

    final int index;
    final Owner owner;
    final SharedBudget budget = new SharedBudget();
    final AtomicLongArray failures = new AtomicLongArray(Cause.values().length);
    /** This owner's quota in bytes, 0 for none. */
    volatile long limit;
    /** Set once the owner is closed: its view refuses work and late allocations undo themselves. */
    volatile boolean closed;

    /** Its lock also guards the folded figures below. */
    private final PerThreadLedgers<AccountLedger> ledgers = new PerThreadLedgers<>(AccountLedger::isDead, this::fold);
    /**
     * The ledgers again, by thread id modulo the length: the allocation path finds its ledger with
     * three loads instead of a ThreadLocal lookup (which chases five pointers before the ledger
     * index). A slot holds whichever ledger got it first; a thread that finds another live
     * thread's ledger there takes the slower way ({@link Ledgers#of}).
     */
    private volatile AccountLedger[] byThread = new AccountLedger[CACHE_MIN];
    private static final int CACHE_MIN = 16;
    private static final int CACHE_MAX = 1024;
    /** The arena lists of ended threads that still held open arenas when they folded (guarded by ledgers). */
    private final List<OpenArenas> endedThreadsArenas = new ArrayList<>();
    // Figures of ended threads, folded in (guarded by ledgers).
    private long foldedBytes;
    private long foldedAllocations;
    private long foldedFrees;

    Account(int index, Owner owner) {
        this.index = index;
        this.owner = owner;
    }

    /** Creates the calling thread's ledger for this account (once per thread and account). */
    AccountLedger openLedger(ThreadLedger thread) {
        AccountLedger ledger = new AccountLedger(this, thread);
        thread.put(ledger);
        ledgers.register(ledger);
        return ledger;
    }

    /** @return the calling thread's ledger if it sits in its slot, else {@code null} */
    AccountLedger cachedLedger() {
        long id = Thread.currentThread().threadId();
        AccountLedger[] slots = byThread;
        AccountLedger ledger = slots[(int) id & (slots.length - 1)];
        return ledger != null && ledger.threadId == id ? ledger : null;
    }

    /**
     * Puts the calling thread's ledger in its slot: a free one or one of an ended thread; on a
     * collision with a live thread the slots double (up to {@value #CACHE_MAX}). The fields read by
     * {@link #cachedLedger} are final, so a plain store publishes the ledger safely. A ledger that
     * finds no slot (collisions persist) is found through {@link Ledgers} instead.
     */
    void cache(AccountLedger ledger) {
        synchronized (ledgers) {
            for (;;) {
                AccountLedger[] slots = byThread;
                int i = (int) ledger.threadId & (slots.length - 1);
                AccountLedger holder = slots[i];
                if (holder == null || holder.isDead()) {
                    slots[i] = ledger;
                    return;
                }
                if (slots.length >= CACHE_MAX) {
                    return; // this thread keeps using the slower lookup
                }
                AccountLedger[] grown = new AccountLedger[slots.length * 2];
                for (AccountLedger live : slots) {
                    if (live != null && !live.isDead()) {
                        int j = (int) live.threadId & (grown.length - 1);
                        if (grown[j] == null) { // a rare collision: that thread takes the slower lookup
                            grown[j] = live;
                        }
                    }
                }
                byThread = grown;
            }
        }
    }

    /**
     * Sums the ledgers. Exact when no call is in flight for this owner; while calls run, each
     * ledger's figures are at most one call old.
     */
    Tally tally() {
        synchronized (ledgers) {
            long bytes = foldedBytes;
            long allocations = foldedAllocations;
            long frees = foldedFrees;
            for (AccountLedger ledger : ledgers.current()) {
                // Bytes first (an acquire read): a free writes its count, then its bytes, so a free
                // in flight shows up as bytes still held or as a complete free, never as a balance
                // with a missing count.
                bytes += ledger.bytes();
                frees += ledger.frees();
                allocations += ledger.allocations();
            }
            return new Tally(bytes, allocations, frees);
        }
    }

    /** @return the ledgers not folded yet (weakly consistent), for a reclaim of their reserves */
    Iterable<AccountLedger> ledgers() {
        return ledgers.current();
    }

    /** Folds the ledgers of ended threads into this account's figures and gives back their reserves. */
    void foldEndedThreads() {
        ledgers.foldEnded();
    }

    private void fold(AccountLedger ended) {
        foldedBytes += ended.bytes();
        foldedAllocations += ended.allocations();
        foldedFrees += ended.frees();
        ended.giveAllBack();
        if (ended.arenas.anyOpen()) { // a shared one may still be used by other threads
            endedThreadsArenas.add(ended.arenas);
        }
    }

    /**
     * Hands every arena of this owner that is open now to {@code action} as {@link
     * #forEachOpenArena} does, then forgets them all: for the owner's release, after {@link #closed}
     * was set (so no arena opens any more), with an action that closes each.
     */
    void closeArenas(Consumer<SafeArena> action) {
        synchronized (ledgers) {
            forEachOpenArena(action);
            for (AccountLedger ledger : ledgers.current()) {
                ledger.arenas.clear();
            }
            endedThreadsArenas.clear();
        }
    }

    /**
     * Hands every arena of this owner that is open now (and maybe some that are closing) to
     * {@code action}: those its live threads opened, after waiting for opens in flight (see
     * {@link OpenArenas}), and those of its ended threads. Holds the ledgers' lock, so that no fold
     * moves a list meanwhile; {@code action} must not open an arena.
     */
    void forEachOpenArena(Consumer<SafeArena> action) {
        synchronized (ledgers) {
            for (AccountLedger ledger : ledgers.current()) {
                ledger.arenas.awaitOpen();
                ledger.arenas.forEachOpen(action);
            }
            endedThreadsArenas.removeIf(list -> !list.anyOpen());
            // A copy: an action that frees credits the calling thread's ledger, whose first use
            // registers it, and a registration may fold (this lock is reentrant).
            for (OpenArenas list : List.copyOf(endedThreadsArenas)) {
                list.forEachOpen(action);
            }
        }
    }
}
