package io.safealloc.handlers;

import static io.safealloc.api.PressureLevel.CRITICAL;
import static io.safealloc.api.PressureLevel.HIGH;
import static io.safealloc.api.PressureLevel.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.api.PressureSource;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.audit.AuditLog;
import io.safealloc.handlers.gc.BackOff;
import io.safealloc.handlers.gc.GcRecovery;
import io.safealloc.handlers.guard.AbortHistory;
import io.safealloc.handlers.guard.CrashLoopGuard;
import io.safealloc.handlers.guard.GuardLimits;

/** The standard handlers take part in pressure crossings. */
class PressureHandlingTest {

    @TempDir
    java.nio.file.Path folder;

    @Test
    void gcCollectsOnceForARiseOfHeapOrDirectPressureAndAsksToMeasureAgain() {
        AtomicInteger collections = new AtomicInteger();
        RecordingLogger log = new RecordingLogger();
        GcRecovery gc = new GcRecovery(Allocators.failing(4096).unowned(), BackOff.DEFAULT, collections::incrementAndGet,
                millis -> { }, log);
        assertEquals(Recovery.RETRY, gc.handle(PressureEvents.crossing(PressureSource.HEAP, NORMAL, HIGH, 1)));
        assertEquals(Recovery.RETRY, gc.handle(PressureEvents.crossing(PressureSource.DIRECT, HIGH, CRITICAL, 1)));
        assertEquals(2, collections.get());
        assertTrue(log.contains("gc: HEAP pressure HIGH: collection requested; RETRY (measure again)"), log.lines.toString());
        assertEquals(Recovery.DEFER, gc.handle(PressureEvents.crossing(PressureSource.HEAP, NORMAL, HIGH, 2)),
                "measured again and still pressed: a second collection would not help");
        assertEquals(Recovery.DEFER, gc.handle(PressureEvents.crossing(PressureSource.HEAP, HIGH, NORMAL, 1)), "a fall");
        assertEquals(Recovery.DEFER, gc.handle(PressureEvents.crossing(PressureSource.CONTAINER, NORMAL, HIGH, 1)));
        assertEquals(2, collections.get());
    }

    @Test
    void auditLogsTheSourceLevelsAndFigures() {
        RecordingLogger log = new RecordingLogger();
        assertEquals(Recovery.DEFER, new AuditLog(log, Level.INFO).handle(
                PressureEvents.crossing(PressureSource.CONTAINER, NORMAL, HIGH, 1)));
        assertEquals("INFO memory PRESSURE CONTAINER NORMAL -> HIGH: 90.0 % (900 of 1000 bytes; thresholds 85 / 95 %), "
                + "attempt 1; allocator in use 1000 of limit 4096 bytes; fixture", log.lines.get(0));
    }

    @Test
    void theGuardStopsAPressureAbortLoop() {
        Instant now = Instant.parse("2026-12-01T20:00:00Z");
        AbortHistory history = AbortHistory.load(folder.resolve("aborts"), new RecordingLogger());
        CrashLoopGuard guard = new CrashLoopGuard(history, new GuardLimits(2, Duration.ofMinutes(10)),
                InstantSource.fixed(now), notice -> { }, new RecordingLogger());
        var critical = PressureEvents.crossing(PressureSource.HEAP, HIGH, CRITICAL, 1);
        assertEquals(Recovery.DEFER, guard.handle(critical));
        guard.recordAbort();
        guard.recordAbort();
        assertEquals(Recovery.FAIL, guard.handle(critical), "degraded: pressure is acknowledged, not aborted on");
    }
}
