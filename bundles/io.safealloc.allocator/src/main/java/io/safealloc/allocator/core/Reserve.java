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
 * <p>Settling: whatever changes what a reserve may hold (a new limit or quota, a reclaim) advances
 * the generation of {@link Ledgers}, a volatile counter that the owner reads once per call; the owner
 * compares it with the generation it last {@link #settle settled} for, and only when they differ
 * does it settle, under this object's lock, for the limit, the quota and the reclaims in force. So
 * the allocation path reads one shared field and compares it twice, whatever may change.
 *
 * <p>Reclaiming: a reserve that backs no live memory can be taken back while its thread lives
 * ({@link #reclaim}, by {@link Ledgers} before it declares a LIMIT, and when a new limit is set), with
 * nothing added to the owner's hot path. The protocol: the reclaimer first advances the reclaim
 * epoch and the generation, then takes {@link #held} only if the owner is provably outside every
 * call: parked, blocked or ended ({@link Thread#getState}; a thread cannot park between its read and
 * its write of {@link #held}, and the state change that parked it published those writes), or it is
 * the reclaimer itself. An owner that wakes up afterwards reads the new generation, so its next call
 * does not use the plain fast path but settles under this object's lock, where it sees what the
 * reclaimer took and gives back whatever is left. An owner that is running is not touched: it gives
 * its reserve back itself at its next call. Writes of {@link #held} by anyone else than the owner, and
 * the owner's settlement, hold this object's lock.
 *
 * <p>Only the owning thread touches it while that thread lives, apart from a reclaim as above;
 * afterwards {@link #giveAllBack} folds it (see {@link PerThreadLedgers}).
 */
abstract class Reserve {

    /** The most a thread keeps in reserve at first when there is no limit. */
    static final long MAX_KEEP = 64 * 1024;
    /** The most a thread's reserve grows to when it frees large blocks. */
    static final long MAX_CEILING = 4 * 1024 * 1024;

    /** The budget this reserve holds bytes of. */
    final SharedBudget budget;
    /** Bytes granted by the budget and not in use. */
    long held;
    /** The generation of {@link Ledgers} this reserve was last settled for; -1 before the first. */
    long settledGeneration = -1;
    /** The most {@link #held} may hold now; it only grows until the limit changes. */
    private long keep;
    /** The most {@link #keep} may grow to under {@link #settledLimit}. */
    private long ceiling;
    /** The limit {@link #keep} was computed for; -1 before the first settlement. */
    private long settledLimit = -1;
    /** The reclaim epoch the owner last settled for (written under this object's lock); -1 before the first. */
    private long settledEpoch = -1;

    Reserve(SharedBudget budget) {
        this.budget = budget;
    }

    /** @return the thread that owns this reserve */
    abstract Thread owner();

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

    /**
     * Called by the owner, before it touches {@link #held}, when its {@link #settledGeneration} is
     * not {@code generation}: applies {@code limit} (0 for none), so that what exceeds the new keep
     * goes back, and, after a reclaim (a new {@code epoch}), gives back everything still held.
     */
    final synchronized void settle(long limit, long epoch, long generation) {
        if (settledEpoch != epoch) {
            // Memory was short since the last call: what this thread keeps goes back (a reclaimer
            // may have taken it already), and the keep starts small again.
            budget.giveBack(held);
            held = 0;
            settledLimit = -1;
            settledEpoch = epoch;
        }
        if (settledLimit != limit) {
            keep = keepFor(limit);
            ceiling = ceilingFor(limit);
            held = keepOrGiveBack(held);
            settledLimit = limit;
        }
        settledGeneration = generation;
    }

    /**
     * Takes back what this reserve holds, for a reclaim of {@code epoch} (already published), if
     * that is safe: its owner settled for {@code epoch} itself (so it gave its reserve back), or it
     * is parked, blocked, ended or the calling thread (so it is not in the middle of a call).
     *
     * @return whether this reserve is done with for {@code epoch}; {@code false} while its owner runs
     */
    final synchronized boolean reclaim(long epoch) {
        if (settledEpoch == epoch) {
            return true;
        }
        if (!isQuiet(owner())) {
            return false;
        }
        budget.giveBack(held);
        held = 0;
        return true;
    }

    private static boolean isQuiet(Thread thread) {
        if (thread == Thread.currentThread()) {
            return true;
        }
        return switch (thread.getState()) {
            case WAITING, TIMED_WAITING, BLOCKED, TERMINATED -> true;
            default -> false; // running (perhaps inside a call), or in a state change
        };
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
    final void refill(long bytes) {
        if (bytes > keep && keep < ceiling) {
            keep = Math.min(bytes, ceiling);
        }
        held = keepOrGiveBack(held + bytes);
    }

    /** Gives everything held back to the budget (its thread has ended). */
    final synchronized void giveAllBack() {
        budget.giveBack(held);
        held = 0;
    }

    private long keepOrGiveBack(long bytes) {
        if (bytes > keep) {
            budget.giveBack(bytes - keep);
            return keep;
        }
        return bytes;
    }
}
