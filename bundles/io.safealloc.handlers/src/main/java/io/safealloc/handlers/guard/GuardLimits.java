package io.safealloc.handlers.guard;

import java.time.Duration;

/**
 * How many aborts and restarts the crash-loop guard lets happen, and within how long.
 *
 * @param maxAborts the aborts/restarts allowed within {@code window} (at least 1); once that many
 *     were recorded, the next one, which would be one more than allowed, becomes FAIL
 * @param window the sliding window (at least one minute)
 */
public record GuardLimits(int maxAborts, Duration window) {

    /** 3 within 10 minutes. */
    public static final GuardLimits DEFAULT = new GuardLimits(3, Duration.ofMinutes(10));

    /** @throws IllegalArgumentException naming the invalid setting */
    public GuardLimits {
        if (maxAborts < 1) {
            throw new IllegalArgumentException("maxAborts must be >= 1, was " + maxAborts);
        }
        if (window == null || window.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("windowMinutes must be >= 1, was " + (window == null ? null : window.toMinutes()));
        }
    }

    /** @param minutes the window in minutes */
    public static GuardLimits of(int maxAborts, long minutes) {
        if (minutes < 1) {
            throw new IllegalArgumentException("windowMinutes must be >= 1, was " + minutes);
        }
        return new GuardLimits(maxAborts, Duration.ofMinutes(minutes));
    }

    @Override
    public String toString() {
        return maxAborts + " aborts/restarts within " + window.toMinutes() + " min";
    }
}
