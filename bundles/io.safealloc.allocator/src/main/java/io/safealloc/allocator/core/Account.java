package io.safealloc.allocator.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

import io.safealloc.api.Cause;

/**
 * One owner's account: its quota budget, and its figures spread over one {@link AccountLedger}
 * per thread that allocated or freed for it (summed on read, so that the allocation path writes
 * only its own thread's ledger). Failures are rare and counted atomically here.
 */
final class Account {

    /** An owner's figures at one moment. */
    record Tally(long bytes, long allocations, long frees) {
    }

    final int index;
    final Owner owner;
    final SharedBudget budget = new SharedBudget();
    final AtomicLongArray failures = new AtomicLongArray(Cause.values().length);
    /** This owner's quota in bytes, 0 for none. */
    volatile long limit;
    /** Set once the owner is closed: its view refuses work and late allocations undo themselves. */
    volatile boolean closed;

    private final ConcurrentLinkedQueue<AccountLedger> ledgers = new ConcurrentLinkedQueue<>();
    /**
     * The ledgers again, by thread id modulo the length: the allocation path finds its ledger with
     * three loads instead of a ThreadLocal lookup (which chases five pointers before the ledger
     * index). A slot holds whichever ledger got it first; a thread that finds another live
     * thread's ledger there takes the slower way ({@link Ledgers#of}).
     */
    private volatile AccountLedger[] byThread = new AccountLedger[CACHE_MIN];
    private static final int CACHE_MIN = 16;
    private static final int CACHE_MAX = 1024;
    private final Object folding = new Object();
    // Figures of ended threads, folded in (guarded by folding).
    private long foldedBytes;
    private long foldedAllocations;
    private long foldedFrees;
    private int foldAt = 16;
    private int registered;

    Account(int index, Owner owner) {
        this.index = index;
        this.owner = owner;
    }

    /** Creates the calling thread's ledger for this account (once per thread and account). */
    AccountLedger openLedger(ThreadLedger thread) {
        AccountLedger ledger = new AccountLedger(this, thread);
        ledgers.add(ledger);
        thread.put(ledger);
        synchronized (folding) {
            if (++registered >= foldAt) {
                foldEndedThreadsLocked();
            }
        }
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
        synchronized (folding) {
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
                for (AccountLedger l : slots) {
                    int j = l == null ? 0 : (int) l.threadId & (grown.length - 1);
                    if (l != null && !l.isDead() && grown[j] == null) {
                        grown[j] = l;
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
        synchronized (folding) {
            long bytes = foldedBytes;
            long allocations = foldedAllocations;
            long frees = foldedFrees;
            for (AccountLedger ledger : ledgers) {
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

    /** @return whether no allocation of this account is live or in flight (as far as can be seen) */
    boolean isQuiescent() {
        Tally tally = tally();
        return tally.bytes() == 0 && tally.allocations() == tally.frees();
    }

    /** Folds the ledgers of ended threads into this account's figures and gives back their reserves. */
    void foldEndedThreads() {
        synchronized (folding) {
            foldEndedThreadsLocked();
        }
    }

    private void foldEndedThreadsLocked() {
        int live = 0;
        for (var it = ledgers.iterator(); it.hasNext();) {
            AccountLedger ledger = it.next();
            if (!ledger.isDead()) {
                live++;
                continue;
            }
            // Terminated: its last writes are visible to us (JLS 17.4.4).
            foldedBytes += ledger.bytes();
            foldedAllocations += ledger.allocations();
            foldedFrees += ledger.frees();
            budget.giveBack(ledger.reserve);
            ledger.reserve = 0;
            it.remove();
        }
        registered = live;
        foldAt = Math.max(16, live * 2);
    }
}
