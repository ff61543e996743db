package io.safealloc.allocator.core.pressure;

import io.safealloc.api.PressureLevel;

/**
 * The two thresholds of a source, in percent of its capacity, and the margin a figure must fall
 * below a threshold to leave its level (so that a figure hovering at a threshold does not raise an
 * event on every measurement).
 *
 * <p>Immutable; validated on construction.
 */
public record Thresholds(int highPercent, int criticalPercent, int hysteresisPercent) {

    /**
     * @throws IllegalArgumentException naming the setting
     */
    public Thresholds {
        if (highPercent < 1 || highPercent > 100) {
            throw new IllegalArgumentException("high threshold must be between 1 and 100 %, was " + highPercent);
        }
        if (criticalPercent < highPercent || criticalPercent > 100) {
            throw new IllegalArgumentException("critical threshold must be between the high threshold (" + highPercent
                    + ") and 100 %, was " + criticalPercent);
        }
        if (hysteresisPercent < 0 || hysteresisPercent >= highPercent) {
            throw new IllegalArgumentException("hysteresis must be between 0 and the high threshold (" + highPercent
                    + ") minus 1 %, was " + hysteresisPercent);
        }
    }

    /**
     * @param current the level so far
     * @param percent the figure just measured
     * @return the level now: rising as soon as a threshold is reached, falling only below the
     *     threshold minus the hysteresis
     */
    public PressureLevel next(PressureLevel current, double percent) {
        PressureLevel raw = percent >= criticalPercent ? PressureLevel.CRITICAL
                : percent >= highPercent ? PressureLevel.HIGH : PressureLevel.NORMAL;
        if (raw.compareTo(current) >= 0) {
            return raw;
        }
        if (current == PressureLevel.CRITICAL && percent > criticalPercent - hysteresisPercent) {
            return PressureLevel.CRITICAL;
        }
        if (current.compareTo(PressureLevel.HIGH) >= 0 && percent > highPercent - hysteresisPercent) {
            return PressureLevel.HIGH;
        }
        return PressureLevel.NORMAL;
    }
}
