package io.safealloc.allocator.osgi;

import java.util.Locale;
import java.util.Map;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.Safety;
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
 */
record Settings(AllocatorConfig config, int abortTimeoutSeconds) {

    static final int DEFAULT_ABORT_TIMEOUT_SECONDS = 10;
    static final Settings DEFAULTS = new Settings(AllocatorConfig.DEFAULTS, DEFAULT_ABORT_TIMEOUT_SECONDS);

    /**
     * @param properties configuration properties; a missing key takes its default
     * @return the settings
     * @throws IllegalArgumentException naming the first setting that cannot be used, and its value
     */
    static Settings read(Map<String, ?> properties) {
        AllocatorConfig d = AllocatorConfig.DEFAULTS;
        long limit = size(properties, AllocatorConstants.LIMIT, d.limit());
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
        return new Settings(config, timeout);
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
            if (type == Recovery.class && chosen != Recovery.ABORT && chosen != Recovery.FAIL) {
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
