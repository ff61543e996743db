package io.safealloc.allocator.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget shared by all threads (the global one, or one owner's quota): the bytes granted to the
 * threads' ledgers, that is the bytes in use plus the small reserves the threads keep, and the
 * highest that figure reached.
 *
 * <p>The limit is checked on every grant, so the bytes in use never exceed it. Threads come here
 * only when their reserve does not cover an allocation, or when a free leaves them more than they
 * may keep ({@link AccountLedger}): an allocation and free of the same size in a loop touches no
 * atomic at all.
 */
final class SharedBudget {

    /** Returned by {@link #grant} when the limit refuses. */
    static final long REFUSED = -1;

    private final AtomicLong granted = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    /**
     * Grants without raising the peak: the caller raises it ({@link #raisePeak}) once every budget
     * involved has granted, so that a grant undone because another budget refused leaves no trace.
     *
     * @param limit 0 for none
     * @return the bytes granted after this grant, or {@link #REFUSED} with nothing granted
     */
    long grant(long bytes, long limit) {
        long after;
        if (limit == 0) {
            after = granted.addAndGet(bytes);
        } else {
            long current;
            do {
                current = granted.get();
                after = current + bytes;
                if (after > limit) {
                    return REFUSED;
                }
            } while (!granted.compareAndSet(current, after));
        }
        return after;
    }

    /**
     * The most a budget ever grants: half the range of a {@code long}, so that the granted figure
     * plus any one request (at most {@link Entry#MAX_SIZE}), every sum of ledgers and every peak
     * stay exact.
     */
    static final long MAX_GRANTED = Long.MAX_VALUE / 2;

    /**
     * Grants without checking the limit (memory that exists already, adopted, is never refused for
     * budget reasons), but never past {@link #MAX_GRANTED}.
     *
     * @return the bytes granted after this grant, or {@link #REFUSED} with nothing granted when it
     *     would pass {@link #MAX_GRANTED}
     */
    long force(long bytes) {
        long current;
        long after;
        do {
            current = granted.get();
            after = current + bytes;
            if (after > MAX_GRANTED) {
                return REFUSED;
            }
        } while (!granted.compareAndSet(current, after));
        return after;
    }

    void giveBack(long bytes) {
        granted.addAndGet(-bytes);
    }

    /** @return bytes in use plus the threads' reserves */
    long granted() {
        return granted.get();
    }

    /**
     * @return the highest {@link #granted} figure; with one thread allocating it is the exact peak
     *     of the bytes in use (a thread's reserve is used up before it asks for a grant)
     */
    long peak() {
        return peak.get();
    }

    void raisePeak(long value) {
        long current;
        while (value > (current = peak.get()) && !peak.compareAndSet(current, value)) {
            // another thread raised it meanwhile; check again
        }
    }
}
