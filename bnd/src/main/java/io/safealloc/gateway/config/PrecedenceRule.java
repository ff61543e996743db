package io.safealloc.gateway.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which value wins, per key of one PID, at a start (docs/gateway.md, "Which value wins"):
 * <ol>
 *   <li>a key the {@code --config} file sets: the file's value, at every start the file is given;</li>
 *   <li>otherwise a key changed at runtime (through Config Admin, {@code mem:limit}): kept;</li>
 *   <li>otherwise, without {@code --config}, a key the embedded defaults set: the default;</li>
 *   <li>otherwise a key an earlier file or the defaults had set: withdrawn (the component's own
 *       default applies), because a file's values last only while the file is given.</li>
 * </ol>
 * "Changed at runtime" is known by comparison: the {@link AppliedRecord} holds what the gateway wrote
 * last; a stored value that differs from it (or that the gateway never wrote) was set by someone else.
 * A value equal to what this start applies anyway counts as this start's, whatever wrote it.
 *
 * <p>Stateless; thread-safe.
 */
final class PrecedenceRule {

    /** The canonical form of "no such key". */
    static final String ABSENT = "<absent>";

    private PrecedenceRule() {
    }

    /**
     * @param initial this start's values for the PID: the {@code --config} file's, or the defaults'
     * @param initialIsConfig true when {@code initial} comes from {@code --config} (it wins over runtime changes)
     * @param current what Config Admin holds now, without its own {@code service.*} identity keys; empty when nothing
     * @param applied what the gateway recorded for the PID at earlier starts
     * @return the values to store, each with its source, and the record to keep
     */
    static Decision decide(Map<String, Sourced> initial, boolean initialIsConfig, Map<String, Object> current,
            Map<String, AppliedRecord.Entry> applied) {
        Map<String, Sourced> result = new LinkedHashMap<>();
        Map<String, AppliedRecord.Entry> record = new LinkedHashMap<>();
        Set<String> keys = new LinkedHashSet<>(initial.keySet());
        keys.addAll(current.keySet());
        keys.addAll(applied.keySet());
        for (String key : keys) {
            Sourced fromStart = initial.get(key);
            Object now = current.get(key);
            if (fromStart != null && (initialIsConfig || canonical(now).equals(canonical(fromStart.value())))) {
                result.put(key, fromStart);
                record.put(key, new AppliedRecord.Entry(canonical(fromStart.value()), fromStart.source()));
            } else if (changedAtRuntime(now, applied.get(key))) {
                if (now != null) {
                    result.put(key, new Sourced(now, Sources.RUNTIME));
                }
                record.put(key, new AppliedRecord.Entry(canonical(now), Sources.RUNTIME));
            } else if (fromStart != null) {
                result.put(key, fromStart);
                record.put(key, new AppliedRecord.Entry(canonical(fromStart.value()), fromStart.source()));
            }
            // else: an earlier file's or the defaults' value that this start does not give: withdrawn
        }
        return new Decision(result, record);
    }

    private static boolean changedAtRuntime(Object now, AppliedRecord.Entry applied) {
        if (applied == null) {
            return now != null; // stored, but the gateway never wrote it
        }
        return applied.source().equals(Sources.RUNTIME) || !applied.canonical().equals(canonical(now));
    }

    /** @return a text that is equal for equal values of equal types, arrays included */
    static String canonical(Object value) {
        if (value == null) {
            return ABSENT;
        }
        String text = value.getClass().isArray() ? Arrays.deepToString(new Object[] {value}) : String.valueOf(value);
        return value.getClass().getSimpleName() + ":" + text;
    }

    /**
     * @param values what the PID's configuration must hold (empty: no configuration)
     * @param record what to remember for the next start
     */
    record Decision(Map<String, Sourced> values, Map<String, AppliedRecord.Entry> record) {
    }
}
