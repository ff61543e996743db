package io.safealloc.allocator.core.pressure;

import io.safealloc.api.PressureLevel;

/**
 * What one probe measured.
 *
 * @param used bytes in use
 * @param capacity what they are compared with, 0 for none (then {@code percent} is 0)
 * @param percent the figure the thresholds apply to
 * @param floor a level the source is at whatever the percentage says (cgroup {@code memory.high}
 *     reached, PSI over its threshold), {@link PressureLevel#NORMAL} for none
 * @param detail where the figures came from, one line
 */
public record Measurement(long used, long capacity, double percent, PressureLevel floor, String detail) {

    static Measurement of(long used, long capacity, PressureLevel floor, String detail) {
        double percent = capacity > 0 ? 100.0 * used / capacity : 0;
        return new Measurement(used, capacity, percent, floor, detail);
    }
}
