package io.safealloc.jmx;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

import io.safealloc.api.Cause;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.ObservationConstants;

/**
 * What one SafeAlloc Event Admin event becomes as a JMX notification: its type
 * ({@link ObservationConstants}), a one-line message, and its properties as {@link CompositeData}
 * (open types only, so a remote client needs no SafeAlloc class). Properties whose value is not a
 * string, number or boolean are given as their string form.
 *
 * @param type the notification type
 * @param message e.g. {@code LIMIT (GLOBAL) for 1073741824 bytes by io.safealloc.shell: decision FAIL} (the
 *     budget is named for a LIMIT only)
 * @param userData the event's properties
 * @param timeMillis when it was converted
 */
record EventNotification(String type, String message, CompositeData userData, long timeMillis) {

    /**
     * @param topic an event topic under {@link MemoryEvents#TOPIC_PREFIX}
     * @param properties its properties (the Event Admin's own {@code event.topics} left out)
     * @return the notification, or {@code null} for a topic this version does not know
     */
    static EventNotification of(String topic, Map<String, Object> properties, long timeMillis) {
        String type = type(topic);
        if (type == null) {
            return null;
        }
        return new EventNotification(type, message(topic, properties), userData(type, properties), timeMillis);
    }

    private static String type(String topic) {
        if (!topic.startsWith(MemoryEvents.TOPIC_PREFIX)) {
            return null;
        }
        return switch (topic) {
            case MemoryEvents.LEAK -> ObservationConstants.NOTIFICATION_LEAK;
            case MemoryEvents.ABORT -> ObservationConstants.NOTIFICATION_ABORT;
            case MemoryEvents.DEGRADED -> ObservationConstants.NOTIFICATION_DEGRADED;
            case MemoryEvents.DEGRADED_LEFT -> ObservationConstants.NOTIFICATION_DEGRADED_LEFT;
            default -> {
                String name = topic.substring(MemoryEvents.TOPIC_PREFIX.length());
                for (Cause cause : Cause.values()) {
                    if (cause.name().equals(name)) {
                        yield ObservationConstants.notificationType(cause);
                    }
                }
                yield null;
            }
        };
    }

    private static String message(String topic, Map<String, Object> p) {
        String bundle = String.valueOf(p.get(MemoryEvents.BUNDLE_NAME));
        return switch (topic) {
            case MemoryEvents.LEAK -> "LEAK: " + bundle + " stopped holding " + p.get(MemoryEvents.COUNT) + " allocations ("
                    + p.get(MemoryEvents.BYTES) + " bytes), released";
            case MemoryEvents.ABORT -> "ABORT: " + (p.containsKey(MemoryEvents.ACTION) ? p.get(MemoryEvents.ACTION)
                    : "exit code " + p.get(MemoryEvents.EXIT_CODE)) + " after " + p.get(MemoryEvents.CAUSE) + " for "
                    + p.get(MemoryEvents.SIZE) + " bytes by " + bundle;
            case MemoryEvents.DEGRADED -> "DEGRADED: the crash-loop guard fails allocations instead of aborting";
            case MemoryEvents.DEGRADED_LEFT -> "DEGRADED_LEFT: the crash-loop guard left degraded mode";
            default -> p.get(MemoryEvents.CAUSE) + (Cause.LIMIT.name().equals(p.get(MemoryEvents.CAUSE))
                    ? " (" + p.get(MemoryEvents.BUDGET) + ")" : "") + " for " + p.get(MemoryEvents.SIZE) + " bytes by "
                    + bundle + ": decision " + p.get(MemoryEvents.DECISION);
        };
    }

    private static CompositeData userData(String type, Map<String, Object> properties) {
        Map<String, Object> items = new TreeMap<>();
        Map<String, OpenType<?>> types = new TreeMap<>();
        properties.forEach((key, value) -> {
            OpenType<?> openType = openType(value);
            items.put(key, openType == SimpleType.STRING ? String.valueOf(value) : value);
            types.put(key, openType);
        });
        if (items.isEmpty()) {
            items.put("type", type);
            types.put("type", SimpleType.STRING);
        }
        String[] names = items.keySet().toArray(String[]::new);
        OpenType<?>[] openTypes = types.values().toArray(OpenType<?>[]::new);
        try {
            CompositeType compositeType = new CompositeType(type.toLowerCase(Locale.ROOT), "SafeAlloc event properties",
                    names, names, openTypes);
            return new CompositeDataSupport(compositeType, names, items.values().toArray());
        } catch (OpenDataException e) {
            throw new IllegalStateException("event properties not representable as open data: " + properties, e);
        }
    }

    private static OpenType<?> openType(Object value) {
        return switch (value) {
            case Long l -> SimpleType.LONG;
            case Integer i -> SimpleType.INTEGER;
            case Boolean b -> SimpleType.BOOLEAN;
            case Double d -> SimpleType.DOUBLE;
            case null, default -> SimpleType.STRING;
        };
    }
}
