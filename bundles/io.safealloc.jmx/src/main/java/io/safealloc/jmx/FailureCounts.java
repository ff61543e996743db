package io.safealloc.jmx;

import java.util.LinkedHashMap;
import java.util.Map;

import io.safealloc.api.Cause;

/** Failure counts keyed by cause name, every cause present: the open-type form of {@code failures()}. */
final class FailureCounts {

    private FailureCounts() {
    }

    static Map<String, Long> byName(Map<Cause, Long> failures) {
        Map<String, Long> named = new LinkedHashMap<>();
        for (Cause cause : Cause.values()) {
            named.put(cause.name(), failures.getOrDefault(cause, 0L));
        }
        return named;
    }

    static Map<String, Long> sum(Map<String, Long> a, Map<Cause, Long> b) {
        Map<String, Long> sum = new LinkedHashMap<>(a);
        byName(b).forEach((cause, count) -> sum.merge(cause, count, Long::sum));
        return sum;
    }
}
