package io.safealloc.allocator.core;

/**
 * Bytes that one thread holds of one shared budget without using them (the global budget for a
 * {@link ThreadLedger}, an owner's quota for an {@link AccountLedger}): allocations are served from
 * it first, frees refill it, and only what exceeds {@link #keep} goes back to the budget. The keep
 * starts at {@link #keepFor} and grows to the largest block the thread has freed, up to
 * {@link #ceilingFor}: a thread that cycles blocks larger than the initial keep then touches
 * no shared counter either (otherwise two threads cycling 1 MiB blocks each pay four contended atomic
 * adds per allocate + free; docs/benchmarks.md says how much that costs). A subclass rather than
 * a field, so that the allocation path reads it without one more indirection.
 *
 * <p>Only the owning thread touches it while that thread lives; afterwards {@link #giveAllBack}
 * folds it (see {@link PerThreadLedgers}).
 */
abstract class Reserve {

    /** The most a thread keeps in reserve at first when there is no limit. */
    static final long MAX_KEEP = 64 * 1024;
    /** The most a thread's reserve grows to when it frees large blocks. */
    static final long MAX_CEILING = 4 * 1024 * 1024;

    /** Bytes granted by the budget and not in use. */
    long held;
    /** The most {@link #held} may hold now; it only grows until the limit changes. */
    private long keep;
    /** The most {@link #keep} may grow to under {@link #settledLimit}. */
    private long ceiling;
    /** The limit {@link #keep} was computed for; -1 before the first settlement. */
    private long settledLimit = -1;

    /**
     * @param limit 0 for none
     * @return how much a thread may keep in reserve at first: 64 KiB without a limit, else a 1024th
     *     of it (at most 64 KiB), so that a limit is never overshot and rarely refused early
     */
    static long keepFor(long limit) {
        return limit == 0 ? MAX_KEEP : Math.min(MAX_KEEP, limit >>> 10);
    }

    /**
     * @param limit 0 for none
     * @return how far a thread's reserve may grow to hold the large blocks it frees: 4 MiB without a
     *     limit, else a 1024th of it (at most 4 MiB), so that a limit's precision stays as promised
     */
    static long ceilingFor(long limit) {
        return limit == 0 ? MAX_CEILING : Math.min(MAX_CEILING, limit >>> 10);
    }

    /** Applies {@code limit} (0 for none) at the thread's next call: what exceeds the new keep goes back. */
    final void settle(SharedBudget budget, long limit) {
        if (settledLimit != limit) {
            keep = keepFor(limit);
            ceiling = ceilingFor(limit);
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
