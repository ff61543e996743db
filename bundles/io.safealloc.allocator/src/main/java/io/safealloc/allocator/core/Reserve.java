package io.safealloc.allocator.core;

/**
 * Bytes that one thread holds of one shared budget without using them (the global budget for a
 * {@link ThreadLedger}, an owner's quota for an {@link AccountLedger}): allocations are served from
 * it first, frees refill it, and only what exceeds {@link #keep} goes back to the budget. The keep
 * starts at {@link Ledgers#keepFor} and grows to the largest block the thread has freed, up to
 * {@link Ledgers#ceilingFor}: a thread that cycles blocks larger than the initial keep then touches
 * no shared counter either (two threads cycling 1 MiB blocks each paid four contended atomic adds per
 * allocate + free, 17x a naive malloc + free). A subclass
 * rather than a field, so that the allocation path reads it without one more indirection.
 *
 * <p>Only the owning thread touches it while that thread lives; afterwards {@link #giveAllBack}
 * folds it (see {@link PerThreadLedgers}).
 */
abstract class Reserve {

    /** Bytes granted by the budget and not in use. */
    long held;
    /** The most {@link #held} may hold now; it only grows until the limit changes. */
    private long keep;
    /** The most {@link #keep} may grow to under {@link #settledLimit}. */
    private long ceiling;
    /** The limit {@link #keep} was computed for; -1 before the first settlement. */
    private long settledLimit = -1;

    /** Applies {@code limit} (0 for none) at the thread's next call: what exceeds the new keep goes back. */
    final void settle(SharedBudget budget, long limit) {
        if (settledLimit != limit) {
            keep = Ledgers.keepFor(limit);
            ceiling = Ledgers.ceilingFor(limit);
            held = keepOrGiveBack(budget, held);
            settledLimit = limit;
        }
    }

    /** @return how many of {@code bytes} the budget must grant because this reserve does not hold them */
    final long shortfall(long bytes) {
        return Math.max(0, bytes - held);
    }

    /** Uses {@code bytes}, of which {@code granted} were just granted by the budget, the rest held. */
    final void spend(long bytes, long granted) {
        held -= bytes - granted;
    }

    /**
     * Takes back {@code bytes} that were freed, growing the keep to hold such a block (up to the
     * ceiling); gives the budget whatever exceeds the keep.
     */
    final void refill(SharedBudget budget, long bytes) {
        if (bytes > keep && keep < ceiling) {
            keep = Math.min(bytes, ceiling);
        }
        held = keepOrGiveBack(budget, held + bytes);
    }

    /** Gives everything held back to the budget (its thread has ended). */
    final void giveAllBack(SharedBudget budget) {
        budget.giveBack(held);
        held = 0;
    }

    private long keepOrGiveBack(SharedBudget budget, long bytes) {
        if (bytes > keep) {
            budget.giveBack(bytes - keep);
            return keep;
        }
        return bytes;
    }
}
