package io.safealloc.handlers.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.Allocators;
import io.safealloc.handlers.RecordingLogger;
import io.safealloc.handlers.TestEvent;

/** The window logic, on a clock moved by hand, and the history read back from a real file. */
class CrashLoopGuardTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final GuardLimits THREE_IN_TEN = GuardLimits.of(3, 10);

    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingLogger log = new RecordingLogger();
    private final List<Map<String, Object>> notices = Allocators.recorder();
    private final List<Map<String, Object>> leftNotices = Allocators.recorder();

    private Path historyFile() {
        return folder.resolve("abort-history.txt");
    }

    /** A guard as the component builds it at each framework start: history read from the file. */
    private CrashLoopGuard startGuard(GuardLimits limits) {
        return new CrashLoopGuard(AbortHistory.load(historyFile(), log), limits, clock, notices::add, leftNotices::add, log);
    }

    private static Recovery limitEvent(CrashLoopGuard guard) {
        return guard.handle(TestEvent.of(Cause.LIMIT, 2000, 3000, 4096));
    }

    @Test
    void belowTheAllowedAbortsItDefers() {
        CrashLoopGuard guard = startGuard(THREE_IN_TEN);
        assertEquals(Recovery.DEFER, limitEvent(guard));
        guard.recordAbort();
        clock.advance(Duration.ofMinutes(1));
        guard.recordAbort();
        assertEquals(Recovery.DEFER, limitEvent(guard), "2 of 3 allowed: the next abort may still happen");
        assertEquals(List.of(), notices);
        assertFalse(guard.degraded());
    }

    @Test
    void afterTheAllowedAbortsEveryGuardedCauseFailsAndDegradedModeIsAnnouncedOnce() {
        CrashLoopGuard guard = startGuard(THREE_IN_TEN);
        for (int i = 0; i < 3; i++) {
            guard.recordAbort();
            clock.advance(Duration.ofMinutes(2));
        }

        assertEquals(Recovery.FAIL, limitEvent(guard));
        assertEquals(Recovery.FAIL, guard.handle(TestEvent.of(Cause.FAIL, 100, 0, 0)));
        assertEquals(Recovery.FAIL, guard.handle(TestEvent.of(Cause.TOO_BIG, 100, 0, 0)));

        assertTrue(guard.degraded());
        assertEquals(1, notices.size(), "announced once per entry into degraded mode");
        Map<String, Object> notice = notices.get(0);
        assertEquals(3, notice.get("aborts"));
        assertEquals(3, notice.get("maxAborts"));
        assertEquals(10L, notice.get("windowMinutes"));
        assertEquals("LIMIT", notice.get("cause"));
        assertEquals(2000L, notice.get("size"));
        assertEquals("sensor", notice.get("bundle.symbolicName"));
        assertTrue(log.contains("WARNING crash-loop guard: 3 aborts/restarts within the last 10 min (allowed: 3): "
                + "degraded mode"), log.lines.toString());
    }

    @Test
    void aWarningIsDeferredEvenInDegradedMode() {
        CrashLoopGuard guard = startGuard(GuardLimits.of(1, 10));
        guard.recordAbort();
        assertEquals(Recovery.DEFER, guard.handle(TestEvent.of(Cause.WARNING, 100, 0, 0)));
        assertEquals(List.of(), notices, "a warning neither enters degraded mode nor announces it");
    }

    @Test
    void whenTheWindowSlidesPastTheAbortsItLeavesDegradedModeAndAnnouncesTheNextEntryAgain() {
        CrashLoopGuard guard = startGuard(THREE_IN_TEN);
        for (int i = 0; i < 3; i++) {
            guard.recordAbort();
        }
        assertEquals(Recovery.FAIL, limitEvent(guard));
        assertEquals(List.of(), leftNotices);

        clock.advance(Duration.ofMinutes(10)); // the three aborts are now exactly 10 min old: outside
        assertEquals(Recovery.DEFER, limitEvent(guard));
        assertFalse(guard.degraded());
        assertEquals(1, leftNotices.size(), "leaving degraded mode is announced");
        assertEquals(0, leftNotices.get(0).get(CrashLoopGuard.ABORTS));
        assertEquals(Recovery.DEFER, limitEvent(guard));
        assertEquals(1, leftNotices.size(), "announced once per exit");
        assertTrue(log.contains("INFO crash-loop guard: leaving degraded mode, 0 aborts/restarts within the last 10 min"),
                log.lines.toString());

        for (int i = 0; i < 3; i++) {
            guard.recordAbort();
        }
        assertEquals(Recovery.FAIL, limitEvent(guard));
        assertEquals(2, notices.size());
    }

    @Test
    void anAbortJustInsideTheWindowStillCounts() {
        CrashLoopGuard guard = startGuard(GuardLimits.of(1, 10));
        guard.recordAbort();
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertEquals(Recovery.FAIL, limitEvent(guard));
        clock.advance(Duration.ofMillis(1));
        assertEquals(Recovery.DEFER, limitEvent(guard));
    }

    @Test
    void theHistorySurvivesARestartOfTheGuard() {
        CrashLoopGuard before = startGuard(THREE_IN_TEN);
        for (int i = 0; i < 3; i++) {
            before.recordAbort();
            clock.advance(Duration.ofMinutes(1));
        }

        CrashLoopGuard afterRestart = startGuard(THREE_IN_TEN);

        assertEquals(3, afterRestart.recentAborts());
        assertEquals(Recovery.FAIL, limitEvent(afterRestart));
    }

    @Test
    void raisingTheAllowedAbortsLiveLeavesDegradedMode() {
        CrashLoopGuard guard = startGuard(GuardLimits.of(2, 10));
        guard.recordAbort();
        guard.recordAbort();
        assertEquals(Recovery.FAIL, limitEvent(guard));
        guard.setLimits(GuardLimits.of(5, 10));
        assertEquals(Recovery.DEFER, limitEvent(guard));
    }

    @Test
    void acrossRealAllocatorLifetimesTheAbortAfterTheAllowedOnesBecomesFail() {
        // Each iteration is one life of the gateway: a fresh allocator (ABORT by default) and a guard
        // reading the history; the abort records itself as the allocator's ABORT event would.
        for (int life = 1; life <= 4; life++) {
            List<Integer> aborts = Allocators.recorder();
            CrashLoopGuard guard = startGuard(THREE_IN_TEN);
            SafeAllocator allocator = Allocators.aborting(4096, aborts, guard::recordAbort);
            allocator.handlers().add(guard, 1000);
            OwnerView sensor = allocator.open(new Owner(2, "sensor"));
            MemorySegment held = sensor.rAlloc(3000);

            MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> sensor.rAlloc(2000));

            if (life <= 3) {
                assertEquals(Recovery.ABORT, e.decision(), "life " + life + ": allowed to abort");
                assertEquals(List.of(70), aborts);
            } else {
                assertEquals(Recovery.FAIL, e.decision(), "life 4: the 4th abort within 10 min becomes FAIL");
                assertEquals(List.of(), aborts, "the process stays up");
            }
            sensor.rFree(held);
            sensor.release();
            clock.advance(Duration.ofMinutes(1));
        }
        assertEquals(1, notices.size());
    }

    @Test
    void invalidLimitsAreRejectedNamingTheSetting() {
        assertEquals("maxAborts must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> GuardLimits.of(0, 10)).getMessage());
        assertEquals("windowMinutes must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> GuardLimits.of(3, 0)).getMessage());
    }
}
