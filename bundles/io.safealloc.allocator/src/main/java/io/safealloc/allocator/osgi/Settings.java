package io.safealloc.allocator.osgi;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.LimitPolicy;
import io.safealloc.allocator.core.Safety;
import io.safealloc.allocator.core.pressure.AutoLimit;
import io.safealloc.allocator.core.pressure.PressureConfig;
import io.safealloc.allocator.core.pressure.Thresholds;
import io.safealloc.api.PressureSource;
import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.Recovery;
import io.safealloc.api.Sizes;

/**
 * The allocator's settings read from configuration properties as they arrive (Config Admin, a
 * Configurator file, the Web Console), validated as a whole.
 *
 * <p>The properties are read raw, not through Declarative Services' typed conversion: a value of
 * the wrong type ({@code "limit": "64m"} from a JSON file, {@code "ninety"}) must be a message, never
 * an exception that keeps the component from activating. Sizes accept the units the shell accepts
 * ({@link Sizes}); numbers may arrive as any {@code Number} or as text.
 *
 * @param config the allocator's configuration
 * @param abortTimeoutSeconds how long the framework may take to stop after an ABORT
 * @param limitPolicy the configured limit, or {@code limit=auto} with its reserve
 * @param pressure the pressure sources and their thresholds
 */
record Settings(AllocatorConfig config, int abortTimeoutSeconds, LimitPolicy limitPolicy, PressureConfig pressure) {

    static final int DEFAULT_ABORT_TIMEOUT_SECONDS = 10;
    static final Settings DEFAULTS = new Settings(AllocatorConfig.DEFAULTS, DEFAULT_ABORT_TIMEOUT_SECONDS,
            LimitPolicy.FIXED, PressureConfig.OFF);

    /** @return the settings as one log line: the allocator's, then limit=auto and the pressure sources when used */
    String describe(AllocatorConfig inForce) {
        StringBuilder b = new StringBuilder().append(inForce).append(", abortTimeoutSeconds=").append(abortTimeoutSeconds);
        if (limitPolicy.auto()) {
            b.append(", limit=auto (reserve ").append(limitPolicy.reserve()).append(" bytes)");
        }
        b.append(", pressure sources ").append(pressure.sources().isEmpty() ? "none" : pressure.sources());
        if (pressure.any()) {
            b.append(" every ").append(pressure.intervalMillis()).append(" ms under ").append(pressure.root())
                    .append(", pressureRecovery=").append(pressure.recovery()).append(", pressureShrinkPercent=")
                    .append(pressure.shrinkPercent());
        }
        return b.toString();
    }

    /**
     * @param properties configuration properties; a missing key takes its default
     * @return the settings
     * @throws IllegalArgumentException naming the first setting that cannot be used, and its value
     */
    static Settings read(Map<String, ?> properties) {
        AllocatorConfig d = AllocatorConfig.DEFAULTS;
        boolean auto = AllocatorConstants.LIMIT_AUTO.equals(String.valueOf(properties.get(AllocatorConstants.LIMIT))
                .trim().toLowerCase(Locale.ROOT));
        long limit = auto ? 0 : size(properties, AllocatorConstants.LIMIT, d.limit());
        LimitPolicy policy = auto
                ? LimitPolicy.auto(size(properties, AllocatorConstants.AUTO_LIMIT_RESERVE, AutoLimit.DEFAULT_RESERVE))
                : LimitPolicy.FIXED;
        int warnPercent = whole(properties, AllocatorConstants.WARN_PERCENT, d.warnPercent());
        long maxAllocation = size(properties, AllocatorConstants.MAX_ALLOCATION, d.maxAllocation());
        int maxRetries = whole(properties, AllocatorConstants.MAX_RETRIES, d.maxRetries());
        Recovery recovery = choice(properties, AllocatorConstants.DEFAULT_RECOVERY, d.defaultRecovery(),
                Recovery.class, "ABORT or FAIL");
        int exitCode = whole(properties, AllocatorConstants.ABORT_EXIT_CODE, d.abortExitCode());
        Safety safety = choice(properties, AllocatorConstants.SAFETY, d.safety(), Safety.class, "FAST or CHECKED");
        int timeout = whole(properties, AllocatorConstants.ABORT_TIMEOUT_SECONDS, DEFAULT_ABORT_TIMEOUT_SECONDS);
        // AllocatorConfig checks the ranges; every setting is checked before any is applied.
        AllocatorConfig config = new AllocatorConfig(limit, warnPercent, maxAllocation, maxRetries, recovery, exitCode,
                safety);
        if (timeout < 1) {
            throw new IllegalArgumentException(AllocatorConstants.ABORT_TIMEOUT_SECONDS + " must be >= 1, was " + timeout);
        }
        return new Settings(config, timeout, policy, pressure(properties));
    }

    /** The pressure sources and their thresholds; every value checked before any is applied. */
    private static PressureConfig pressure(Map<String, ?> properties) {
        PressureConfig d = PressureConfig.OFF;
        Set<PressureSource> sources = sources(properties.get(AllocatorConstants.PRESSURE_SOURCES));
        long interval = whole(properties, AllocatorConstants.PRESSURE_INTERVAL_MILLIS, (int) d.intervalMillis());
        Object rootValue = properties.get(AllocatorConstants.PRESSURE_ROOT);
        Path root;
        try {
            root = rootValue == null ? d.root() : Path.of(rootValue.toString().trim());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(AllocatorConstants.PRESSURE_ROOT + " must be a directory, was " + rootValue);
        }
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException(AllocatorConstants.PRESSURE_ROOT + " must be an absolute path, was " + rootValue);
        }
        int hysteresis = whole(properties, AllocatorConstants.PRESSURE_HYSTERESIS_PERCENT, PressureConfig.DEFAULT_HYSTERESIS);
        Map<PressureSource, Thresholds> defaults = PressureConfig.defaultThresholds(hysteresis);
        Map<PressureSource, Thresholds> thresholds = new EnumMap<>(PressureSource.class);
        thresholds.put(PressureSource.HEAP, thresholds(properties, defaults.get(PressureSource.HEAP),
                AllocatorConstants.HEAP_HIGH_PERCENT, AllocatorConstants.HEAP_CRITICAL_PERCENT, hysteresis));
        thresholds.put(PressureSource.DIRECT, thresholds(properties, defaults.get(PressureSource.DIRECT),
                AllocatorConstants.DIRECT_HIGH_PERCENT, AllocatorConstants.DIRECT_CRITICAL_PERCENT, hysteresis));
        thresholds.put(PressureSource.CONTAINER, thresholds(properties, defaults.get(PressureSource.CONTAINER),
                AllocatorConstants.CONTAINER_HIGH_PERCENT, AllocatorConstants.CONTAINER_CRITICAL_PERCENT, hysteresis));
        thresholds.put(PressureSource.SYSTEM, thresholds(properties, defaults.get(PressureSource.SYSTEM),
                AllocatorConstants.SYSTEM_HIGH_PERCENT, AllocatorConstants.SYSTEM_CRITICAL_PERCENT, hysteresis));
        double psiSome = decimal(properties, AllocatorConstants.PSI_SOME_HIGH_PERCENT, d.psiSomeHigh());
        double psiFull = decimal(properties, AllocatorConstants.PSI_FULL_CRITICAL_PERCENT, d.psiFullCritical());
        Recovery recovery = choice(properties, AllocatorConstants.PRESSURE_RECOVERY, d.recovery(), Recovery.class,
                "DEFER or ABORT");
        int shrink = whole(properties, AllocatorConstants.PRESSURE_SHRINK_PERCENT, d.shrinkPercent());
        return new PressureConfig(sources, interval, root, thresholds, psiSome, psiFull, recovery, shrink);
    }

    private static Thresholds thresholds(Map<String, ?> properties, Thresholds d, String highKey, String criticalKey,
            int hysteresis) {
        int high = whole(properties, highKey, d.highPercent());
        int critical = whole(properties, criticalKey, d.criticalPercent());
        try {
            return new Thresholds(high, critical, hysteresis);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(highKey + "/" + criticalKey + "/"
                    + AllocatorConstants.PRESSURE_HYSTERESIS_PERCENT + ": " + e.getMessage());
        }
    }

    /** A comma-separated list, a String[] or a Collection (Config Admin may hand any); {@code none} or empty for none. */
    private static Set<PressureSource> sources(Object value) {
        Set<PressureSource> sources = EnumSet.noneOf(PressureSource.class);
        if (value == null) {
            return sources;
        }
        List<String> names = new ArrayList<>();
        if (value instanceof String[] array) {
            names.addAll(List.of(array));
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(o -> names.add(String.valueOf(o)));
        } else {
            names.addAll(List.of(value.toString().split(",")));
        }
        for (String name : names) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            if (n.isEmpty() || n.equals("NONE")) {
                continue;
            }
            try {
                sources.add(PressureSource.valueOf(n));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(AllocatorConstants.PRESSURE_SOURCES
                        + " must list heap, direct, container, system (or none), was " + value);
            }
        }
        return sources;
    }

    private static double decimal(Map<String, ?> properties, String key, double absent) {
        Object value = properties.get(key);
        if (value == null) {
            return absent;
        }
        try {
            return value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number (a percentage), was " + value);
        }
    }

    private static long size(Map<String, ?> properties, String key, long absent) {
        Object value = properties.get(key);
        if (value == null) {
            return absent;
        }
        if (isWholeNumber(value)) {
            return ((Number) value).longValue();
        }
        String text = value.toString().trim();
        try {
            return Long.parseLong(text); // a negative number gets AllocatorConfig's range message
        } catch (NumberFormatException notPlain) {
            try {
                return Sizes.parse(text);
            } catch (IllegalArgumentException notASize) {
                throw new IllegalArgumentException(key + " must be a size in bytes (a number, or with k, m, g or t), was "
                        + value);
            }
        }
    }

    private static int whole(Map<String, ?> properties, String key, int absent) {
        Object value = properties.get(key);
        if (value == null) {
            return absent;
        }
        try {
            long number = isWholeNumber(value) ? ((Number) value).longValue() : Long.parseLong(value.toString().trim());
            // Out of int range: clamped, so that the range check names the value's sign and setting.
            return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, number));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was " + value);
        }
    }

    private static <E extends Enum<E>> E choice(Map<String, ?> properties, String key, E absent, Class<E> type,
            String expected) {
        Object value = properties.get(key);
        if (value == null) {
            return absent;
        }
        try {
            E chosen = Enum.valueOf(type, value.toString().trim().toUpperCase(Locale.ROOT));
            boolean pressure = key.equals(AllocatorConstants.PRESSURE_RECOVERY);
            if (type == Recovery.class && chosen != Recovery.ABORT && chosen != (pressure ? Recovery.DEFER : Recovery.FAIL)) {
                throw new IllegalArgumentException();
            }
            return chosen;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be " + expected + ", was " + value);
        }
    }

    /** A Float or Double is not: {@code 1.5} bytes must be a message, not a truncation. */
    private static boolean isWholeNumber(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }
}
