package io.safealloc.handlers.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.Budget;
import io.safealloc.api.Cause;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.Allocators;
import io.safealloc.handlers.RecordingLogger;
import io.safealloc.handlers.TestEvent;

/** The gc handler on a real allocator: what a Cleaner returns is found, and the wait is bounded. */
class GcRecoveryTest {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final long LIMIT = 4096;

    private final SafeAllocator allocator = Allocators.failing(LIMIT);
    /** The handler reads the figures through a view of its own, as the handlers bundle does in OSGi. */
    private final OwnerView handlersView = allocator.open(new Owner(1, "io.safealloc.handlers"));
    private final OwnerView sensor = allocator.open(new Owner(2, "sensor"));
    private final OwnerView other = allocator.open(new Owner(3, "other"));
    /** "CAUSE DECISION" for every event the gc handler was asked about. */
    private final List<String> decisions = Allocators.recorder();
    private final List<Long> pauses = Allocators.recorder();
    private final AtomicInteger collections = new AtomicInteger();
    private final RecordingLogger log = new RecordingLogger();

    @AfterEach
    void release() {
        sensor.release();
        other.release();
        handlersView.release();
    }

    /** Puts {@code handler} in the chain, recording what it decides. */
    private void install(MemHandler handler) {
        allocator.handlers().add(event -> {
            Recovery decision = handler.handle(event);
            decisions.add(event.cause() + " " + decision);
            return decision;
        }, 100);
    }

    /** Counts the GC requests without making them, and records the pauses without taking them. */
    private GcRecovery counting(BackOff backOff, Runnable duringPause) {
        return new GcRecovery(handlersView, backOff, collections::incrementAndGet, millis -> {
            pauses.add(millis);
            duringPause.run();
        }, log);
    }

    /**
     * Allocates for {@code owner} memory that only a Cleaner frees: once this method returns the
     * frame is unreachable, and the memory comes back when a GC has found it.
     */
    private static void frameFreedOnlyByItsCleaner(AllocatorService owner, long size) {
        MemorySegment buffer = owner.rAlloc(size);
        Object frame = new Object();
        CLEANER.register(frame, () -> owner.rFree(buffer));
    }

    @Test
    void memoryACleanerReturnsAfterTheGcLetsTheAllocationSucceed() {
        // A generous bound: the handler returns as soon as the memory is back, so the test does not
        // depend on how fast the GC and the Cleaner thread are; it only fails if they never run.
        install(new GcRecovery(handlersView, new BackOff(5, 60_000), log));
        frameFreedOnlyByItsCleaner(sensor, 3000);
        assertEquals(3000, allocator.stats().bytesInUse());

        MemorySegment segment = other.rAlloc(2000);

        assertEquals(List.of("LIMIT RETRY"), decisions);
        assertEquals(2000, segment.byteSize());
        assertEquals(2000, allocator.stats().bytesInUse(), "the Cleaner freed the frame's 3000 bytes");
        assertTrue(log.contains("INFO gc: 3000 bytes came back after"), log.lines.toString());
        other.rFree(segment);
    }

    @Test
    void withNothingToCollectItDefersWithinTheBoundAndTheNextHandlerDecides() {
        install(new GcRecovery(handlersView, new BackOff(1, 20), log));
        MemorySegment held = sensor.rAlloc(3000);

        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> other.rAlloc(2000));

        assertEquals(List.of("LIMIT DEFER"), decisions);
        assertEquals(Recovery.FAIL, e.decision(), "the default handler decided after the DEFER");
        assertEquals(3000, allocator.stats().bytesInUse());
        sensor.rFree(held);
    }

    @Test
    void thePausesDoubleAndAddUpToTheBoundAfterOneCollection() {
        install(counting(new BackOff(5, 500), () -> { }));
        sensor.rAlloc(3000);

        assertThrows(MemoryAllocationException.class, () -> other.rAlloc(2000));

        assertEquals(List.of("LIMIT DEFER"), decisions);
        assertEquals(1, collections.get());
        assertEquals(List.of(5L, 10L, 20L, 40L, 80L, 160L, 185L), pauses, "the last pause is cut to the bound");
        assertEquals(500, pauses.stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void aZeroBoundChecksOnceRightAfterTheCollection() {
        install(counting(new BackOff(5, 0), () -> { }));
        sensor.rAlloc(3000);
        assertThrows(MemoryAllocationException.class, () -> other.rAlloc(2000));
        assertEquals(List.of("LIMIT DEFER"), decisions);
        assertEquals(List.of(), pauses);
        assertEquals(1, collections.get());
    }

    @Test
    void itRetriesAsSoonAsTheRequestFitsWithoutWaitingOutTheBound() {
        MemorySegment first = sensor.rAlloc(1500);
        MemorySegment second = sensor.rAlloc(1500);
        // During the second pause, memory enough for the request comes back.
        install(counting(new BackOff(5, 500), () -> {
            if (pauses.size() == 2) {
                sensor.rFree(first);
            }
        }));

        MemorySegment segment = other.rAlloc(2000);

        assertEquals(List.of("LIMIT RETRY", "WARNING DEFER"), decisions, "the retried allocation crossed 85 %");
        assertEquals(List.of(5L, 10L), pauses);
        other.rFree(segment);
        sensor.rFree(second);
    }

    @Test
    void someMemoryBackButNotEnoughIsARetryOnlyAtTheEndOfTheWait() {
        MemorySegment small = sensor.rAlloc(500);
        sensor.rAlloc(3000);
        GcRecovery gc = counting(new BackOff(5, 100), () -> {
            if (pauses.size() == 1) {
                sensor.rFree(small);
            }
        });

        Recovery decision = gc.handle(TestEvent.of(Cause.LIMIT, 2000, 3500, LIMIT));

        assertEquals(Recovery.RETRY, decision, "500 bytes came back: worth one more try (a resize may need less)");
        assertEquals(100, pauses.stream().mapToLong(Long::longValue).sum(), "it waited for more until the bound");
    }

    @Test
    void afterMallocFailedAnyMemoryThatCameBackIsWorthARetry() {
        MemorySegment held = sensor.rAlloc(100);
        GcRecovery gc = counting(new BackOff(5, 500), () -> sensor.rFree(held));

        Recovery decision = gc.handle(TestEvent.of(Cause.FAIL, 4L << 40, 100, LIMIT));

        assertEquals(Recovery.RETRY, decision);
        assertEquals(List.of(5L), pauses);
    }

    @Test
    void aQuotaWaitsForTheRequestingBundlesOwnMemoryNotForOthers() {
        allocator.configure(allocator.config().withLimit(0));
        allocator.setQuota("sensor", 4096);
        MemorySegment mine = sensor.rAlloc(3000);
        MemorySegment theirs = other.rAlloc(3000);
        install(counting(new BackOff(5, 500), () -> {
            if (pauses.size() == 1) {
                other.rFree(theirs); // another bundle's memory does not help a quota
            } else if (pauses.size() == 3) {
                sensor.rFree(mine);
            }
        }));

        MemorySegment segment = sensor.rAlloc(2000);

        assertEquals(List.of("LIMIT RETRY"), decisions);
        assertEquals(List.of(5L, 10L, 20L), pauses, "RETRY only once the sensor's own memory came back");
        sensor.rFree(segment);
    }

    @Test
    void aQuotaEventCarriesTheBundleBudget() {
        allocator.configure(allocator.config().withLimit(0));
        allocator.setQuota("sensor", 4096);
        sensor.rAlloc(3000);
        List<Budget> budgets = Allocators.recorder();
        allocator.handlers().add(event -> {
            budgets.add(event.budget());
            return Recovery.DEFER;
        }, 200);
        install(counting(new BackOff(5, 10), () -> { }));
        assertThrows(MemoryAllocationException.class, () -> sensor.rAlloc(2000));
        assertEquals(List.of(Budget.BUNDLE), budgets);
        assertEquals(List.of("LIMIT DEFER"), decisions);
    }

    @Test
    void warningAndTooBigAreDeferredWithoutACollection() {
        allocator.configure(allocator.config().withWarnPercent(50).withMaxAllocation(3000));
        install(counting(new BackOff(5, 500), () -> { }));

        MemorySegment held = sensor.rAlloc(2500); // crosses 50 %: WARNING
        assertThrows(MemoryAllocationException.class, () -> sensor.rAlloc(3001)); // over maxAllocation: TOO_BIG

        assertEquals(List.of("WARNING DEFER", "TOO_BIG DEFER"), decisions);
        assertEquals(0, collections.get(), "no GC can make a too-big request fit");
        assertEquals(List.of(), pauses);
        sensor.rFree(held);
    }

    @Test
    void aRequestLargerThanTheWholeLimitIsDeferredAtOnceWithoutWaiting() {
        install(counting(new BackOff(5, 500), () -> { }));

        assertThrows(MemoryAllocationException.class, () -> sensor.rAlloc(LIMIT + 1));

        assertEquals(List.of("LIMIT DEFER"), decisions);
        assertEquals(0, collections.get(), "no GC can make a request larger than the limit fit");
        assertEquals(List.of(), pauses, "nothing to wait for");
    }

    @Test
    void aRequestLargerThanTheBundlesWholeQuotaIsDeferredAtOnce() {
        allocator.configure(allocator.config().withLimit(0));
        allocator.setQuota("sensor", 4096);
        install(counting(new BackOff(5, 500), () -> { }));

        assertThrows(MemoryAllocationException.class, () -> sensor.rAlloc(4097));

        assertEquals(List.of("LIMIT DEFER"), decisions);
        assertEquals(List.of(), pauses);
    }

    @Test
    void anInterruptEndsTheWaitAndStaysOnTheThread() {
        sensor.rAlloc(3000);
        GcRecovery gc = new GcRecovery(handlersView, new BackOff(5, 60_000), collections::incrementAndGet, millis -> {
            pauses.add(millis);
            throw new InterruptedException();
        }, log);
        try {
            assertEquals(Recovery.DEFER, gc.handle(TestEvent.of(Cause.LIMIT, 2000, 3000, LIMIT)));
            assertEquals(List.of(5L), pauses);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anInvalidBackOffIsRejectedNamingTheSetting() {
        assertEquals("initialWaitMillis must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> new BackOff(0, 500)).getMessage());
        assertEquals("maxWaitMillis must be >= 0, was -1",
                assertThrows(IllegalArgumentException.class, () -> new BackOff(5, -1)).getMessage());
    }
}
