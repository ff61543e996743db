package io.safealloc.api;

import java.util.HashMap;
import java.util.Map;

/**
 * The Event Admin contract of SafeAlloc: the topics the allocator and the standard handlers post
 * on, their property keys, and the one mapping of a {@link MemEvent} to those properties.
 *
 * <p>Every decision is posted on {@link #TOPIC_PREFIX} + the {@link Cause} name (for example
 * {@code io/safealloc/Memory/LIMIT}) with the {@link #figures figures} of its event and
 * {@link #DECISION} (a {@link Cause#PRESSURE} crossing on {@code io/safealloc/Memory/PRESSURE} also
 * with {@link #PRESSURE_SOURCE}, {@link #PRESSURE_LEVEL} and the source's figures); a leak released at bundle stop on {@link #LEAK} with {@link #BUNDLE_ID},
 * {@link #BUNDLE_NAME}, {@link #COUNT}, {@link #BYTES}; an abort on {@link #ABORT} with the
 * figures, {@link #DECISION} {@code ABORT} and {@link #EXIT_CODE} (sent synchronously).
 *
 * <p>Constants and a stateless function; not instantiable. Thread-safe.
 */
public final class MemoryEvents {

    /** Prefix of every SafeAlloc topic. */
    public static final String TOPIC_PREFIX = "io/safealloc/Memory/";

    /** Subscribes to every SafeAlloc topic. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";

    /** A bundle stopped still holding memory, which was released. */
    public static final String LEAK = TOPIC_PREFIX + "LEAK";

    /** The process is about to end: sent synchronously before the framework stops. */
    public static final String ABORT = TOPIC_PREFIX + "ABORT";

    /** The crash-loop guard entered degraded mode (it fails calls instead of aborting). */
    public static final String DEGRADED = TOPIC_PREFIX + "DEGRADED";

    /**
     * The crash-loop guard left degraded mode (its window slid past the old aborts): allocations that
     * cannot be satisfied go down the handler chain again. Posted with the figures of the event that
     * found it so. Together with {@link #DEGRADED} it makes the guard's state observable (the health
     * check reports CRITICAL in between).
     */
    public static final String DEGRADED_LEFT = TOPIC_PREFIX + "DEGRADED_LEFT";

    /** {@link Cause} name ({@code String}). */
    public static final String CAUSE = "cause";
    /** Requested bytes ({@code Long}). */
    public static final String SIZE = "size";
    /** Bytes in use across all bundles ({@code Long}). */
    public static final String BYTES_IN_USE = "bytesInUse";
    /** The global limit, 0 for none ({@code Long}). */
    public static final String LIMIT = "limit";
    /** {@link Budget} name ({@code String}). */
    public static final String BUDGET = "budget";
    /** Attempt number from 1 ({@code Integer}). */
    public static final String ATTEMPT = "attempt";
    /** {@link Recovery} name, or {@code RELEASED} on {@link #LEAK} ({@code String}). */
    public static final String DECISION = "decision";
    /** The requesting or leaking bundle's id ({@code Long}). */
    public static final String BUNDLE_ID = "bundle.id";
    /** The requesting or leaking bundle's name, see {@link AllocatorConstants#bundleName} ({@code String}). */
    public static final String BUNDLE_NAME = "bundle.symbolicName";
    /** On {@link #LEAK}: allocations released ({@code Long}). */
    public static final String COUNT = "count";
    /** On {@link #LEAK}: bytes released ({@code Long}). */
    public static final String BYTES = "bytes";
    /**
     * On {@link #LEAK}: arenas the bundle left open, closed by its stop ({@code Long}); their blocks
     * and bytes are among {@link #COUNT} and {@link #BYTES}.
     *
     * @since 1.1
     */
    public static final String ARENAS = "arenas";
    /**
     * On {@link #LEAK}: the bytes those open arenas held ({@code Long}).
     *
     * @since 1.1
     */
    public static final String ARENA_BYTES = "arena.bytes";
    /** On {@link #ABORT}: the process exit code ({@code Integer}). */
    public static final String EXIT_CODE = "exitCode";
    /**
     * On an {@link #ABORT} sent by a handler instead of the allocator: what happens instead of the
     * end of the process ({@code restart} for the framework-restart handler).
     */
    public static final String ACTION = "action";
    /** On {@link Cause#PRESSURE}: the {@link PressureSource} name ({@code String}). @since 1.1 */
    public static final String PRESSURE_SOURCE = "pressure.source";
    /** On {@link Cause#PRESSURE}: the new {@link PressureLevel} name ({@code String}). @since 1.1 */
    public static final String PRESSURE_LEVEL = "pressure.level";
    /** On {@link Cause#PRESSURE}: the {@link PressureLevel} name before the crossing ({@code String}). @since 1.1 */
    public static final String PRESSURE_PREVIOUS_LEVEL = "pressure.previousLevel";
    /** On {@link Cause#PRESSURE}: {@link PressureReading#percent()} ({@code Double}). @since 1.1 */
    public static final String PRESSURE_PERCENT = "pressure.percent";
    /** On {@link Cause#PRESSURE}: {@link PressureReading#used()} ({@code Long}). @since 1.1 */
    public static final String PRESSURE_USED = "pressure.used";
    /** On {@link Cause#PRESSURE}: {@link PressureReading#capacity()} ({@code Long}). @since 1.1 */
    public static final String PRESSURE_CAPACITY = "pressure.capacity";

    /** {@link #DECISION} value of a {@link #LEAK} event. */
    public static final String RELEASED = "RELEASED";

    private MemoryEvents() {
    }

    /**
     * @param cause the cause of a decision
     * @return the topic the decision is posted on
     */
    public static String topic(Cause cause) {
        return TOPIC_PREFIX + cause.name();
    }

    /**
     * @param event the event
     * @return its figures under the keys above ({@link #CAUSE}, {@link #SIZE}, {@link #BYTES_IN_USE},
     *     {@link #LIMIT}, {@link #BUDGET}, {@link #ATTEMPT}, {@link #BUNDLE_ID}, {@link #BUNDLE_NAME}; for
     *     {@link Cause#PRESSURE} also the {@code PRESSURE_*} keys),
     *     in a fresh mutable map the caller may add to
     */
    public static Map<String, Object> figures(MemEvent event) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(CAUSE, event.cause().name());
        properties.put(SIZE, event.size());
        properties.put(BYTES_IN_USE, event.bytesInUse());
        properties.put(LIMIT, event.limit());
        properties.put(BUDGET, event.budget().name());
        properties.put(ATTEMPT, event.attempt());
        properties.put(BUNDLE_ID, event.bundleId());
        properties.put(BUNDLE_NAME, event.bundleName());
        event.pressure().ifPresent(reading -> {
            properties.put(PRESSURE_SOURCE, reading.source().name());
            properties.put(PRESSURE_LEVEL, reading.level().name());
            properties.put(PRESSURE_PREVIOUS_LEVEL, event.previousPressureLevel().name());
            properties.put(PRESSURE_PERCENT, reading.percent());
            properties.put(PRESSURE_USED, reading.used());
            properties.put(PRESSURE_CAPACITY, reading.capacity());
        });
        return properties;
    }
}
