package io.safealloc.allocator.core.pressure;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import io.safealloc.api.PressureSource;
import io.safealloc.api.Recovery;

/**
 * Which pressure sources are measured and how: validated on construction, so that a bad value
 * rejects the whole configuration (the previous one stays), as {@code AllocatorConfig} does.
 *
 * @param sources the sources to measure; empty: none, and no thread
 * @param intervalMillis between two measurements of the polled sources (direct, container, system)
 * @param root the directory {@code /proc} and {@code /sys/fs/cgroup} are read under
 * @param thresholds per source (every source has an entry)
 * @param psiSomeHigh PSI memory {@code some avg10} (%) from which SYSTEM is at least HIGH
 * @param psiFullCritical PSI memory {@code full avg10} (%) from which SYSTEM is CRITICAL
 * @param recovery what the default handler decides on a rising crossing into CRITICAL: DEFER (log
 *     only) or ABORT
 * @param shrinkPercent the effective global limit, in % of the configured one, while CONTAINER is
 *     HIGH or above (100: no shrink)
 */
public record PressureConfig(Set<PressureSource> sources, long intervalMillis, Path root,
        Map<PressureSource, Thresholds> thresholds, double psiSomeHigh, double psiFullCritical, Recovery recovery,
        int shrinkPercent) {

    public static final int DEFAULT_HYSTERESIS = 5;
    public static final long DEFAULT_INTERVAL_MILLIS = 1000;
    public static final double DEFAULT_PSI_SOME_HIGH = 20;
    public static final double DEFAULT_PSI_FULL_CRITICAL = 10;

    /** Nothing measured. */
    public static final PressureConfig OFF = new PressureConfig(EnumSet.noneOf(PressureSource.class),
            DEFAULT_INTERVAL_MILLIS, Path.of("/"), defaultThresholds(DEFAULT_HYSTERESIS), DEFAULT_PSI_SOME_HIGH,
            DEFAULT_PSI_FULL_CRITICAL, Recovery.DEFER, 100);

    public PressureConfig {
        sources = sources.isEmpty() ? EnumSet.noneOf(PressureSource.class) : EnumSet.copyOf(sources);
        if (intervalMillis < 10 || intervalMillis > 3_600_000) {
            throw new IllegalArgumentException("pressureIntervalMillis must be between 10 and 3600000, was " + intervalMillis);
        }
        if (root == null) {
            throw new IllegalArgumentException("pressureRoot must be a directory, was null");
        }
        for (PressureSource s : PressureSource.values()) {
            if (thresholds.get(s) == null) {
                throw new IllegalArgumentException("no thresholds for " + s);
            }
        }
        thresholds = Map.copyOf(thresholds);
        if (!(psiSomeHigh > 0 && psiSomeHigh <= 100)) {
            throw new IllegalArgumentException("psiSomeHighPercent must be above 0 and at most 100, was " + psiSomeHigh);
        }
        if (!(psiFullCritical > 0 && psiFullCritical <= 100)) {
            throw new IllegalArgumentException("psiFullCriticalPercent must be above 0 and at most 100, was " + psiFullCritical);
        }
        if (recovery != Recovery.DEFER && recovery != Recovery.ABORT) {
            throw new IllegalArgumentException("pressureRecovery must be DEFER or ABORT, was " + recovery);
        }
        if (shrinkPercent < 1 || shrinkPercent > 100) {
            throw new IllegalArgumentException("pressureShrinkPercent must be between 1 and 100, was " + shrinkPercent);
        }
    }

    /** Heap, direct and container 85 / 95 %, system 90 / 97 % (a machine runs fuller: page cache is counted as available). */
    public static Map<PressureSource, Thresholds> defaultThresholds(int hysteresis) {
        Map<PressureSource, Thresholds> t = new EnumMap<>(PressureSource.class);
        t.put(PressureSource.HEAP, new Thresholds(85, 95, hysteresis));
        t.put(PressureSource.DIRECT, new Thresholds(85, 95, hysteresis));
        t.put(PressureSource.CONTAINER, new Thresholds(85, 95, hysteresis));
        t.put(PressureSource.SYSTEM, new Thresholds(90, 97, hysteresis));
        return t;
    }

    public PressureConfig withSources(Set<PressureSource> value) {
        return new PressureConfig(value, intervalMillis, root, thresholds, psiSomeHigh, psiFullCritical, recovery,
                shrinkPercent);
    }

    public PressureConfig withRoot(Path value) {
        return new PressureConfig(sources, intervalMillis, value, thresholds, psiSomeHigh, psiFullCritical, recovery,
                shrinkPercent);
    }

    public PressureConfig withIntervalMillis(long value) {
        return new PressureConfig(sources, value, root, thresholds, psiSomeHigh, psiFullCritical, recovery, shrinkPercent);
    }

    public PressureConfig withRecovery(Recovery value) {
        return new PressureConfig(sources, intervalMillis, root, thresholds, psiSomeHigh, psiFullCritical, value,
                shrinkPercent);
    }

    public PressureConfig withShrinkPercent(int value) {
        return new PressureConfig(sources, intervalMillis, root, thresholds, psiSomeHigh, psiFullCritical, recovery, value);
    }

    public PressureConfig withThresholds(PressureSource source, Thresholds value) {
        Map<PressureSource, Thresholds> t = new EnumMap<>(thresholds);
        t.put(source, value);
        return new PressureConfig(sources, intervalMillis, root, t, psiSomeHigh, psiFullCritical, recovery, shrinkPercent);
    }

    /** @return whether measuring needs the monitor's thread at all */
    public boolean any() {
        return !sources.isEmpty();
    }
}
