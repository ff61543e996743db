package io.safealloc.healthcheck;

import java.time.Instant;
import java.util.Map;

import io.safealloc.api.Cause;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;

/**
 * What the health check has heard on Event Admin since it started: the last failed allocation, the
 * last ABORT decided, and whether the crash-loop guard is in degraded mode ({@link MemoryEvents#DEGRADED}
 * until {@link MemoryEvents#DEGRADED_LEFT}). The figures themselves are read afresh at each check.
 *
 * <p>Thread-safe: each field is an immutable record behind a volatile reference; events arrive on
 * Event Admin's threads, checks on the executor's.
 */
final class MemoryState {

    /**
     * A failed allocation or an abort, as the event described it.
     *
     * @param decision the handlers' decision ({@code FAIL} or {@code ABORT})
     */
    record Failure(Instant at, String cause, String budget, long size, String bundle, String decision) {

        String describe() {
            return cause + (Cause.LIMIT.name().equals(cause) ? " (" + budget + ")" : "") + " for " + size + " bytes by "
                    + bundle + ", decision " + decision + ", at " + at;
        }
    }

    /** Degraded mode entered at {@code since} with {@code aborts} recorded aborts, or not degraded ({@code null}). */
    record Degraded(Instant since, Object aborts, Object windowMinutes) {
    }

    private volatile Failure lastFailure;
    private volatile Failure lastAbort;
    private volatile Degraded degraded;

    /** Takes note of one SafeAlloc event. */
    void onEvent(String topic, Map<String, Object> properties, Instant now) {
        switch (topic) {
            case MemoryEvents.DEGRADED -> degraded = new Degraded(now, properties.get("aborts"), properties.get("windowMinutes"));
            case MemoryEvents.DEGRADED_LEFT -> degraded = null;
            case MemoryEvents.ABORT -> lastAbort = failure(now, properties, Recovery.ABORT.name());
            default -> {
                Object decision = properties.get(MemoryEvents.DECISION);
                if (Recovery.FAIL.name().equals(decision) && !Cause.WARNING.name().equals(properties.get(MemoryEvents.CAUSE))) {
                    lastFailure = failure(now, properties, Recovery.FAIL.name());
                } else if (Recovery.ABORT.name().equals(decision)) {
                    lastAbort = failure(now, properties, Recovery.ABORT.name());
                }
            }
        }
    }

    private static Failure failure(Instant now, Map<String, Object> p, String decision) {
        Object size = p.get(MemoryEvents.SIZE);
        return new Failure(now, String.valueOf(p.get(MemoryEvents.CAUSE)), String.valueOf(p.get(MemoryEvents.BUDGET)),
                size instanceof Number n ? n.longValue() : -1, String.valueOf(p.get(MemoryEvents.BUNDLE_NAME)), decision);
    }

    Failure lastFailure() {
        return lastFailure;
    }

    Failure lastAbort() {
        return lastAbort;
    }

    Degraded degraded() {
        return degraded;
    }
}
