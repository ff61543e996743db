package io.safealloc.api;

import java.util.List;

/**
 * The contract of SafeAlloc's operator surfaces outside the shell: the JMX object names and
 * notification types ({@link AllocatorMXBean}, {@link BundleMemoryMXBean}), the Felix Health Check's
 * name and tags, and the Micrometer meter names and tags. Declared once here so that the bundles that
 * publish them ({@code io.safealloc.jmx}, {@code io.safealloc.healthcheck},
 * {@code io.safealloc.metrics}), their tests and the documentation agree.
 *
 * <p>Constants and stateless functions; not instantiable. Thread-safe.
 */
public final class ObservationConstants {

    // ---- JMX -------------------------------------------------------------------------------------

    /** The JMX domain of every SafeAlloc MBean. */
    public static final String JMX_DOMAIN = "io.safealloc";

    /** Object name of the one {@link AllocatorMXBean} on the platform MBean server. */
    public static final String ALLOCATOR_OBJECT_NAME = JMX_DOMAIN + ":type=Allocator";

    /** Object name pattern matching every {@link BundleMemoryMXBean}. */
    public static final String BUNDLE_OBJECT_NAME_PATTERN = JMX_DOMAIN + ":type=Bundle,name=*";

    /** Prefix of every SafeAlloc notification type; the rest is the lower-case topic name. */
    public static final String NOTIFICATION_PREFIX = "io.safealloc.memory.";

    /** Notification type of a {@link MemoryEvents#LEAK}: a bundle stopped holding memory, which was released. */
    public static final String NOTIFICATION_LEAK = NOTIFICATION_PREFIX + "leak";

    /** Notification type of an {@link MemoryEvents#ABORT}: the process is about to end (or restart). */
    public static final String NOTIFICATION_ABORT = NOTIFICATION_PREFIX + "abort";

    /** Notification type of {@link MemoryEvents#DEGRADED}: the crash-loop guard entered degraded mode. */
    public static final String NOTIFICATION_DEGRADED = NOTIFICATION_PREFIX + "degraded";

    /** Notification type of {@link MemoryEvents#DEGRADED_LEFT}: the crash-loop guard left degraded mode. */
    public static final String NOTIFICATION_DEGRADED_LEFT = NOTIFICATION_PREFIX + "degraded_left";

    // ---- Felix Health Check -----------------------------------------------------------------------

    /** {@code hc.name} of the SafeAlloc health check. */
    public static final String HEALTH_CHECK_NAME = "SafeAlloc native memory";

    /** A {@code hc.tags} value of the SafeAlloc health check. */
    public static final String HEALTH_CHECK_TAG_MEMORY = "memory";
    /** A {@code hc.tags} value of the SafeAlloc health check. */
    public static final String HEALTH_CHECK_TAG_SAFEALLOC = "safealloc";
    /** {@code hc.tags} of the SafeAlloc health check: select it with either tag. */
    public static final List<String> HEALTH_CHECK_TAGS = List.of(HEALTH_CHECK_TAG_MEMORY, HEALTH_CHECK_TAG_SAFEALLOC);

    // ---- Micrometer --------------------------------------------------------------------------------

    /** Tag naming the bundle on per-bundle meters: the name of {@link AllocatorConstants#bundleName}. */
    public static final String METER_TAG_BUNDLE = "bundle";
    /** Tag naming the {@link Cause} on failure and decision counters. */
    public static final String METER_TAG_CAUSE = "cause";
    /** Tag naming the {@link Recovery} on the decision counter. */
    public static final String METER_TAG_DECISION = "decision";

    /** Gauge, bytes: bytes in use across all bundles ({@link MemStats#bytesInUse()}). */
    public static final String METER_USED = "safealloc.memory.used";
    /** Gauge, bytes: the global peak ({@link MemStats#peak()}). */
    public static final String METER_PEAK = "safealloc.memory.peak";
    /** Gauge, bytes: the global limit, 0 for none ({@link MemStats#limit()}). */
    public static final String METER_LIMIT = "safealloc.memory.limit";
    /** Gauge, bytes: where a WARNING is raised, 0 without a limit ({@link MemStats#warnThreshold()}). */
    public static final String METER_WARN_THRESHOLD = "safealloc.memory.warn.threshold";
    /** Gauge: live allocations across all bundles. */
    public static final String METER_LIVE = "safealloc.allocations.live";

    /** Gauge, bytes, tag {@value #METER_TAG_BUNDLE}: a bundle's bytes in use. */
    public static final String METER_BUNDLE_USED = "safealloc.bundle.memory.used";
    /** Gauge, bytes, tag {@value #METER_TAG_BUNDLE}: a bundle's peak. */
    public static final String METER_BUNDLE_PEAK = "safealloc.bundle.memory.peak";
    /** Gauge, bytes, tag {@value #METER_TAG_BUNDLE}: a bundle's quota, 0 for none. */
    public static final String METER_BUNDLE_LIMIT = "safealloc.bundle.memory.limit";

    /** Counter: successful allocations, all bundles, stopped ones included ({@link MemStats#allocations()}). */
    public static final String METER_ALLOCATIONS = "safealloc.allocations";
    /** Counter: successful frees, all bundles ({@link MemStats#frees()}). */
    public static final String METER_FREES = "safealloc.frees";
    /** Counter, tag {@value #METER_TAG_CAUSE}: calls that raised each cause ({@link MemStats#failures()}). */
    public static final String METER_FAILURES = "safealloc.failures";
    /**
     * Counter, tags {@value #METER_TAG_CAUSE} and {@value #METER_TAG_DECISION}: decisions taken by the
     * handlers, as posted on Event Admin (counted from the moment the meters are bound).
     */
    public static final String METER_DECISIONS = "safealloc.decisions";

    private static final String BUNDLE_NAME_KEY = ",name=";

    private ObservationConstants() {
    }

    /**
     * @param bundleName a bundle's name as the allocator accounts it ({@link BundleStats#bundleName()})
     * @return the object name of its {@link BundleMemoryMXBean}, {@code io.safealloc:type=Bundle,name=<bsn>};
     *     a name holding a character that object names reserve ({@code , = : " * ? \} or a line
     *     break) is quoted as {@code javax.management.ObjectName.quote} quotes it
     */
    public static String bundleObjectName(String bundleName) {
        return JMX_DOMAIN + ":type=Bundle" + BUNDLE_NAME_KEY + quoteIfNeeded(bundleName);
    }

    /**
     * @param cause the cause of a decision
     * @return the notification type of a decision on that cause, e.g. {@code io.safealloc.memory.limit}
     */
    public static String notificationType(Cause cause) {
        return NOTIFICATION_PREFIX + cause.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String quoteIfNeeded(String value) {
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            plain = ",=:\"*?\\\n".indexOf(value.charAt(i)) < 0;
        }
        if (plain) {
            return value;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> quoted.append("\\n");
                case '\\', '"', '*', '?' -> quoted.append('\\').append(c);
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
