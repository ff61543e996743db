package io.safealloc.healthcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;

/**
 * The verdicts the itest cannot provoke without ending its framework or a crash loop: degraded mode
 * (entered and left), an ABORT decided; and a refused allocation that ages out of the window. Real
 * allocator figures (libc memory); the events as Event Admin delivers them.
 */
class AssessmentTest {

    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration RECENT = Duration.ofMinutes(5);

    private final SafeAllocator allocator = SafeAllocator.builder()
            .config(AllocatorConfig.DEFAULTS.withLimit(1 << 20).withDefaultRecovery(Recovery.FAIL)).silent().build();
    private final OwnerView sensor = allocator.open(new Owner(7, "com.acme.sensor"));
    private final MemoryState state = new MemoryState();

    @AfterEach
    void close() {
        sensor.close();
    }

    private Result check(Instant now) {
        return Assessment.assess(sensor.stats(), sensor.holdings(), state, now, RECENT);
    }

    private static Map<String, Object> event(String cause, String decision) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(MemoryEvents.CAUSE, cause);
        properties.put(MemoryEvents.SIZE, 4096L);
        properties.put(MemoryEvents.BUDGET, "GLOBAL");
        properties.put(MemoryEvents.BUNDLE_NAME, "com.acme.sensor");
        properties.put(MemoryEvents.DECISION, decision);
        return properties;
    }

    @Test
    void degradedModeIsCriticalUntilTheGuardLeavesIt() {
        assertEquals(Result.Status.OK, check(T0).getStatus());
        Map<String, Object> degraded = event("LIMIT", "FAIL");
        degraded.put("aborts", 3);
        degraded.put("windowMinutes", 10L);
        state.onEvent(MemoryEvents.DEGRADED, degraded, T0);
        Result critical = check(T0);
        assertEquals(Result.Status.CRITICAL, critical.getStatus());
        assertTrue(text(critical).contains("the crash-loop guard is in degraded mode since 2026-12-01T12:00:00Z (3 aborts/restarts within 10 min)"),
                text(critical));

        state.onEvent(MemoryEvents.DEGRADED_LEFT, event("LIMIT", "DEFER"), T0.plusSeconds(600));
        assertEquals(Result.Status.OK, check(T0.plusSeconds(600)).getStatus());
    }

    @Test
    void anAbortDecidedIsCritical() {
        state.onEvent(MemoryEvents.topic(io.safealloc.api.Cause.LIMIT), event("LIMIT", "ABORT"), T0);
        Result critical = check(T0.plus(Duration.ofHours(1)));
        assertEquals(Result.Status.CRITICAL, critical.getStatus(), "the framework is going down: no window");
        assertTrue(text(critical).contains("ABORT decided: LIMIT (GLOBAL) for 4096 bytes by com.acme.sensor, decision ABORT"),
                text(critical));
    }

    @Test
    void aFailureWarnsWithinTheWindowOnlyAndWarningsDoNotCount() {
        state.onEvent(MemoryEvents.topic(io.safealloc.api.Cause.WARNING), event("WARNING", "DEFER"), T0);
        assertEquals(Result.Status.OK, check(T0).getStatus(), "a WARNING decision is no failure");

        state.onEvent(MemoryEvents.topic(io.safealloc.api.Cause.FAIL), event("FAIL", "FAIL"), T0);
        assertEquals(Result.Status.WARN, check(T0.plus(RECENT).minusMillis(1)).getStatus());
        Result later = check(T0.plus(RECENT));
        assertEquals(Result.Status.OK, later.getStatus());
        assertTrue(text(later).contains("last failure: FAIL for 4096 bytes by com.acme.sensor, decision FAIL, at 2026-12-01T12:00:00Z"),
                text(later));
    }

    @Test
    void atTheLimitIsCriticalAboveTheThresholdWarns() {
        MemorySegment most = sensor.rAlloc(900 << 10);
        assertEquals(Result.Status.WARN, check(T0).getStatus());
        MemorySegment rest = sensor.rAlloc((1 << 20) - (900 << 10));
        Result critical = check(T0);
        assertEquals(Result.Status.CRITICAL, critical.getStatus());
        assertTrue(text(critical).contains("top holders: com.acme.sensor 1.0 MiB (1048576 bytes) in 2 allocations"),
                text(critical));
        sensor.rFree(rest);
        sensor.rFree(most);
        assertEquals(Result.Status.OK, check(T0).getStatus());
    }

    @Test
    void aBadWindowFallsBackToTheDefault() {
        assertEquals(300, MemoryHealthCheck.recentSeconds(null));
        assertEquals(60, MemoryHealthCheck.recentSeconds(60L));
        assertEquals(60, MemoryHealthCheck.recentSeconds("60"));
        assertEquals(300, MemoryHealthCheck.recentSeconds(0));
        assertEquals(300, MemoryHealthCheck.recentSeconds("soon"));
        assertEquals(300, MemoryHealthCheck.recentSeconds(1.5));
    }

    private static String text(Result result) {
        return StreamSupport.stream(result.spliterator(), false).map(ResultLog.Entry::getMessage)
                .collect(Collectors.joining(" | "));
    }
}
