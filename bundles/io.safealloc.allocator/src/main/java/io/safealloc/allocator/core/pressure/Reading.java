package io.safealloc.allocator.core.pressure;

import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureReading;
import io.safealloc.api.PressureSource;

/** The immutable {@link PressureReading} the monitor keeps and hands out. */
public record Reading(PressureSource source, boolean active, PressureLevel level, double percent, long used,
        long capacity, int highPercent, int criticalPercent, String detail) implements PressureReading {

    static Reading of(PressureSource source, PressureLevel level, Measurement m, Thresholds t) {
        return new Reading(source, true, level, m.percent(), m.used(), m.capacity(), t.highPercent(),
                t.criticalPercent(), m.detail());
    }

    static Reading off(PressureSource source, Thresholds t, String why) {
        return new Reading(source, false, PressureLevel.NORMAL, 0, 0, 0, t.highPercent(), t.criticalPercent(),
                "off: " + why);
    }

    /** @return one line for logs: "HEAP HIGH 87.1 % (thresholds 85 / 95 %): ..." */
    public String describe() {
        if (!active) {
            return source + " " + detail;
        }
        return String.format(java.util.Locale.ROOT, "%s %s %.1f %% (thresholds %d / %d %%): %s", source, level, percent,
                highPercent, criticalPercent, detail);
    }
}
