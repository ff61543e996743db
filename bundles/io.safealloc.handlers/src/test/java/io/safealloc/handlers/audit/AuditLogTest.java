package io.safealloc.handlers.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Budget;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.Allocators;
import io.safealloc.handlers.RecordingLogger;
import io.safealloc.handlers.TestEvent;

/** The audit handler logs what a real allocator raises, at the configured level, and never decides. */
class AuditLogTest {

    private final SafeAllocator allocator = Allocators.failing(4096);
    private final OwnerView sensor = allocator.open(new Owner(2, "sensor"));
    private final OwnerView other = allocator.open(new Owner(3, "other"));

    @AfterEach
    void release() {
        sensor.release();
        other.release();
    }

    @Test
    void everyEventIsLoggedWithItsFiguresAndTopHoldersAndTheNextHandlerDecides() {
        RecordingLogger log = new RecordingLogger();
        allocator.configure(allocator.config().withWarnPercent(50));
        allocator.handlers().add(new AuditLog(log, Level.WARNING), 900);
        List<String> below = Allocators.recorder();
        allocator.handlers().add(event -> {
            below.add(event.cause().name());
            return Recovery.FAIL;
        }, 100);

        MemorySegment held = sensor.rAlloc(3000);   // crosses 50 %: WARNING
        MemorySegment small = other.rAlloc(500);
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> other.rAlloc(2000));

        assertEquals(Recovery.FAIL, e.decision());
        assertEquals(List.of("WARNING", "LIMIT"), below, "the audit DEFERred both to the next handler");
        assertEquals(List.of(
                "WARNING memory WARNING: 3000 bytes for sensor [2], attempt 1; in use 3000 of limit 4096 bytes; "
                        + "bundle holds 3000 (no quota); top holders: sensor [2] 3000, other [3] 0",
                "WARNING memory LIMIT (GLOBAL budget): 2000 bytes for other [3], attempt 1; in use 3500 of limit 4096 bytes; "
                        + "bundle holds 500 (no quota); top holders: sensor [2] 3000, other [3] 500"),
                log.lines);
        sensor.rFree(held);
        other.rFree(small);
    }

    @Test
    void theConfiguredLevelIsUsed() {
        RecordingLogger log = new RecordingLogger();
        new AuditLog(log, Level.DEBUG).handle(TestEvent.of(Cause.FAIL, 100, 0, 0));
        assertEquals(List.of("DEBUG memory FAIL: 100 bytes for sensor [2], attempt 1; in use 0 of limit 0 bytes; "
                + "bundle holds 0 (no quota); top holders: none"), log.lines);
    }

    @Test
    void aBundleWithAQuotaShowsItAndOneWithoutSaysSo() {
        RecordingLogger log = new RecordingLogger();
        new AuditLog(log, Level.INFO).handle(new TestEvent(Cause.LIMIT, 2000, 3000, 0, Budget.BUNDLE, 3000, 4096, 1, 2,
                "sensor", List.of()));
        assertTrue(log.lines.get(0).contains("; bundle holds 3000 of quota 4096;"), log.lines::toString);
    }

    @Test
    void belowTheLoggersThresholdNothingIsWrittenAndItStillDefers() {
        RecordingLogger log = new RecordingLogger(Level.INFO);
        assertEquals(Recovery.DEFER, new AuditLog(log, Level.DEBUG).handle(TestEvent.of(Cause.LIMIT, 100, 0, 0)));
        assertEquals(List.of(), log.lines);
    }

    @Test
    void offLogsNothing() {
        RecordingLogger log = new RecordingLogger(Level.ALL);
        assertEquals(Recovery.DEFER, new AuditLog(log, Level.OFF).handle(TestEvent.of(Cause.TOO_BIG, 100, 0, 0)));
        assertEquals(List.of(), log.lines);
    }
}
