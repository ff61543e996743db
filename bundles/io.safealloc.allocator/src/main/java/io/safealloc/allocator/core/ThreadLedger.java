package io.safealloc.allocator.core;

import java.util.Arrays;

/**
 * One thread's state in one allocator: its reserve of the global budget (the {@link Reserve} it
 * is) and its ledgers, one per
 * owner it allocated or freed for, found by the owner's account index. Only its thread touches it
 * while the thread lives; afterwards {@link Ledgers} folds the reserve back into the budget.
 */
final class ThreadLedger extends Reserve {

    final Thread owner = Thread.currentThread();

    // Keeps the reserve's fields (laid out first: they are the superclass's) off the cache line of whatever object follows: two threads' ledgers
    // become neighbours in the heap when the GC copies them (they are reached one after the other),
    // and each thread writes its own on every call, so without a gap they would share a cache line
    // (what LongAdder's @Contended cells avoid). HotSpot lays out the long fields in declaration order.
    @SuppressWarnings("unused")
    private long pad1, pad2, pad3, pad4, pad5, pad6, pad7, pad8;

    private AccountLedger[] byIndex = new AccountLedger[8];

    /** The first chunk its confined arenas take in turn. */
    final SpareChunk spare = new SpareChunk();

    /** The calling thread's ledger, holding a reserve of {@code global}. */
    ThreadLedger(SharedBudget global) {
        super(global);
    }

    @Override
    Thread owner() {
        return owner;
    }

    boolean isDead() {
        return !owner.isAlive();
    }

    /** @return this thread's ledger for {@code account}, or {@code null} if it has none yet */
    AccountLedger find(Account account) {
        AccountLedger[] ledgers = byIndex;
        int index = account.index;
        if (index < ledgers.length) {
            AccountLedger ledger = ledgers[index];
            if (ledger != null && ledger.account == account) {
                return ledger;
            }
        }
        return null;
    }

    /** Remembers a new ledger; it replaces the ledger of a retired account that had the same index. */
    void put(AccountLedger ledger) {
        int index = ledger.account.index;
        if (index >= byIndex.length) {
            byIndex = Arrays.copyOf(byIndex, Math.max(index + 1, byIndex.length * 2));
        }
        byIndex[index] = ledger;
    }
}
