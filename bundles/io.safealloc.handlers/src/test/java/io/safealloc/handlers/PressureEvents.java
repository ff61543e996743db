package io.safealloc.handlers;

import java.util.List;
import java.util.Optional;

import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureReading;
import io.safealloc.api.PressureSource;

/** PRESSURE events with chosen figures, as the allocator raises them, for calling a handler directly. */
public final class PressureEvents {

    private PressureEvents() {
    }

    public record Reading(PressureSource source, boolean active, PressureLevel level, double percent, long used,
            long capacity, int highPercent, int criticalPercent, String detail) implements PressureReading {
    }

    public record Event(Reading reading, PressureLevel previousPressureLevel, int attempt) implements MemEvent {
        @Override
        public Cause cause() {
            return Cause.PRESSURE;
        }

        @Override
        public Optional<PressureReading> pressure() {
            return Optional.of(reading);
        }

        @Override
        public long size() {
            return 0;
        }

        @Override
        public long bytesInUse() {
            return 1000;
        }

        @Override
        public long limit() {
            return 4096;
        }

        @Override
        public Budget budget() {
            return Budget.NONE;
        }

        @Override
        public long bundleBytesInUse() {
            return 0;
        }

        @Override
        public long bundleLimit() {
            return 0;
        }

        @Override
        public long bundleId() {
            return NO_BUNDLE_ID;
        }

        @Override
        public String bundleName() {
            return NO_BUNDLE_NAME;
        }

        @Override
        public List<BundleStats> topHolders() {
            return List.of();
        }
    }

    /** {@code source} crossed from {@code from} to {@code to} at 90 % of 1000 bytes. */
    public static Event crossing(PressureSource source, PressureLevel from, PressureLevel to, int attempt) {
        return new Event(new Reading(source, true, to, 90.0, 900, 1000, 85, 95, "fixture"), from, attempt);
    }
}
