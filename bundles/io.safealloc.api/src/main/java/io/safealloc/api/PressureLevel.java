package io.safealloc.api;

/**
 * How hard a {@link PressureSource} is pressed, from its configured thresholds: below the high
 * threshold {@link #NORMAL}, from it {@link #HIGH}, from the critical one {@link #CRITICAL}. A level
 * is left downward only once the figure falls a configured margin (hysteresis) below its threshold.
 *
 * @since 1.1
 */
public enum PressureLevel {
    /** Below the high threshold (or back below it by the hysteresis margin). */
    NORMAL,
    /** At or above the high threshold: act early (trim caches). */
    HIGH,
    /** At or above the critical threshold: the process is near being killed or failing. */
    CRITICAL
}
