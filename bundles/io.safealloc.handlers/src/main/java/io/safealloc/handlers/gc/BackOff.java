package io.safealloc.handlers.gc;

/**
 * How long the gc handler waits for cleaners: pauses that double from {@code initialMillis}, and
 * never more than {@code maxMillis} of pauses in total for one event (the last pause is cut short
 * to stay within it). The same shape as the JDK's own wait for direct memory.
 *
 * @param initialMillis the first pause, at least 1 ms
 * @param maxMillis the total of all pauses for one event, 0 for none (check once right after the GC)
 */
public record BackOff(long initialMillis, long maxMillis) {

    /** 5 ms doubling, at most 500 ms in total. */
    public static final BackOff DEFAULT = new BackOff(5, 500);

    /** @throws IllegalArgumentException naming the invalid setting */
    public BackOff {
        if (initialMillis < 1) {
            throw new IllegalArgumentException("initialWaitMillis must be >= 1, was " + initialMillis);
        }
        if (maxMillis < 0) {
            throw new IllegalArgumentException("maxWaitMillis must be >= 0, was " + maxMillis);
        }
    }

    /**
     * @param previous the pause just taken (0 before the first)
     * @param waited the total already paused
     * @return the next pause, or 0 when the total is used up
     */
    long next(long previous, long waited) {
        long remaining = maxMillis - waited;
        if (remaining <= 0) {
            return 0;
        }
        long doubled = previous == 0 ? initialMillis : previous > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : previous * 2;
        return Math.min(doubled, remaining);
    }
}
