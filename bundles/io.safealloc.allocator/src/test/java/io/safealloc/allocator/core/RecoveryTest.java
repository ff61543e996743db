package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.safealloc.api.Budget;
import io.safealloc.api.Cause;
import io.safealloc.api.HandlerOrder;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/** Causes, decisions and the order in which handlers are asked. */
class RecoveryTest {

    private final FlakyBackend backend = new FlakyBackend();
    private final RecordingLogger log = new RecordingLogger();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<Integer> abortCodes = new CopyOnWriteArrayList<>();
    private SafeAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = SafeAllocator.builder().backend(backend).logger(log)
                .config(AllocatorConfig.DEFAULTS.withLimit(1000).withDefaultRecovery(Recovery.FAIL))
                .abortAction((e, code) -> abortCodes.add(code))
                .build();
    }

    private MemHandler answering(String name, Recovery decision) {
        return e -> {
            asked.add(name);
            return decision;
        };
    }

    private MemoryAllocationException overLimit() {
        return assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(2000));
    }

    @Test
    void limitIsReportedWithTheGlobalBudgetAndNothingIsAllocated() {
        AtomicReference<MemEvent> seen = new AtomicReference<>();
        allocator.handlers().add(e -> {
            seen.set(e);
            return Recovery.FAIL;
        }, 0);
        MemorySegment held = allocator.unowned().rAlloc(600);
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(600));
        assertEquals(Cause.LIMIT, e.cause());
        assertEquals(600, e.size());
        assertEquals(Recovery.FAIL, e.decision());
        assertEquals(600, e.stats().bytesInUse());
        assertTrue(e.getMessage().startsWith("Memory allocation error for 600 bytes"), e.getMessage());
        MemEvent event = seen.get();
        assertEquals(Budget.GLOBAL, event.budget());
        assertEquals(600, event.bytesInUse());
        assertEquals(1000, event.limit());
        assertEquals(1, event.attempt());
        assertEquals(MemEvent.NO_BUNDLE_ID, event.bundleId());
        assertEquals(MemEvent.NO_BUNDLE_NAME, event.bundleName());
        assertEquals("none", event.topHolders().get(0).bundleName());
        assertEquals(600, event.topHolders().get(0).bytesInUse());
        assertEquals(600, allocator.stats().bytesInUse(), "nothing allocated by the failed call");
        assertEquals(1, allocator.stats().failures().get(Cause.LIMIT));
        allocator.unowned().rFree(held);
    }

    @Test
    void mallocReturningNullIsCauseFail() {
        backend.failNext(1);
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(64));
        assertEquals(Cause.FAIL, e.cause());
        assertEquals(Budget.NONE, e.event().budget());
        assertEquals(0, allocator.stats().bytesInUse(), "the reservation is undone");
        assertEquals(1, allocator.stats().failures().get(Cause.FAIL));
        assertTrue(log.contains("Memory allocation error for 64 bytes"), log.lines.toString());
    }

    @Test
    void requestsOverTheCapOrUnrepresentableAreTooBig() {
        allocator.configure(allocator.config().withLimit(0).withMaxAllocation(1024));
        assertEquals(Cause.TOO_BIG, assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(1025)).cause());
        assertEquals(Cause.TOO_BIG,
                assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(Long.MAX_VALUE)).cause());
        allocator.configure(allocator.config().withMaxAllocation(Entry.MAX_SIZE));
        assertEquals(Cause.TOO_BIG,
                assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(Long.MAX_VALUE)).cause());
        var hugeAlignment = java.lang.foreign.MemoryLayout.paddingLayout(8).withByteAlignment(1L << 62);
        assertEquals(Cause.TOO_BIG,
                assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAllocType(hugeAlignment)).cause());
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void theHighestRankingDecidesAndDeferPassesDown() {
        allocator.handlers().add(answering("ten", Recovery.FAIL), 10);
        allocator.handlers().add(answering("twenty", Recovery.DEFER), 20);
        allocator.handlers().add(answering("minus", Recovery.FAIL), -5);
        overLimit();
        assertEquals(List.of("twenty", "ten"), asked);
    }

    @Test
    void equalRankingsAreAllKeptLowestIdFirst() {
        HandlerChain chain = allocator.handlers();
        chain.add(answering("id7", Recovery.DEFER), 5, 7, "id7");
        chain.add(answering("id3", Recovery.DEFER), 5, 3, "id3");
        chain.add(answering("id9", Recovery.DEFER), 5, 9, "id9");
        overLimit();
        assertEquals(List.of("id3", "id7", "id9"), asked);
    }

    @Test
    void aNonIntegerRankingCountsAsZero() {
        HandlerChain chain = allocator.handlers();
        chain.add(answering("long100", Recovery.DEFER), 100L, 1, "");
        chain.add(answering("string50", Recovery.DEFER), "50", 2, "");
        chain.add(answering("one", Recovery.DEFER), 1, 3, "");
        chain.add(answering("minusOne", Recovery.DEFER), -1, 4, "");
        chain.add(answering("none", Recovery.DEFER), null, 5, "");
        overLimit();
        assertEquals(List.of("one", "long100", "string50", "none", "minusOne"), asked);
        assertEquals(0, HandlerOrder.ranking(100L));
        assertEquals(0, chain.inDecisionOrder().stream().filter(r -> r.id() == 1).findFirst().orElseThrow().ranking(),
                "the chain applies the API's rule");
    }

    @Test
    void reRankingAndUnregisteringTakeEffectForTheNextEvent() {
        HandlerChain.Registration ten = allocator.handlers().add(answering("ten", Recovery.FAIL), 10);
        HandlerChain.Registration twenty = allocator.handlers().add(answering("twenty", Recovery.FAIL), 20);
        overLimit();
        twenty.unregister();
        overLimit();
        allocator.handlers().add(answering("thirty", Recovery.FAIL), 30);
        overLimit();
        ten.setRanking(40);
        overLimit();
        twenty.unregister(); // idempotent
        assertEquals(List.of("twenty", "ten", "thirty", "ten"), asked);
        assertEquals(2, allocator.handlers().inDecisionOrder().size());
    }

    @Test
    void retryAfterTheHandlerFreedMemorySucceeds() {
        MemorySegment reserve = allocator.unowned().rAlloc(900);
        List<Integer> attempts = new ArrayList<>();
        allocator.handlers().add(e -> {
            attempts.add(e.attempt());
            if (e.attempt() == 2) {
                allocator.unowned().rFree(reserve);
            }
            return Recovery.RETRY;
        }, 0);
        MemorySegment s = allocator.unowned().rAlloc(500);
        assertEquals(List.of(1, 2), attempts, "retried until the memory was there");
        assertEquals(500, allocator.stats().bytesInUse());
        allocator.unowned().rFree(s);
    }

    @Test
    void retriesAreBoundedByMaxRetriesThenFail() {
        allocator.configure(allocator.config().withMaxRetries(3));
        AtomicInteger calls = new AtomicInteger();
        allocator.handlers().add(e -> {
            calls.incrementAndGet();
            return Recovery.RETRY;
        }, 0);
        MemoryAllocationException e = overLimit();
        assertEquals(4, calls.get(), "the first attempt and three retries");
        assertEquals(Recovery.RETRY, e.decision());
        assertEquals(4, e.event().attempt());
        assertTrue(e.getMessage().contains("retries exhausted"), e.getMessage());
    }

    @Test
    void aThrowingOrNullHandlerIsLoggedAndDeferred() {
        allocator.handlers().add(e -> {
            throw new IllegalStateException("boom");
        }, 20);
        allocator.handlers().add(e -> null, 15);
        allocator.handlers().add(answering("last", Recovery.FAIL), 10);
        overLimit();
        assertEquals(List.of("last"), asked);
        assertTrue(log.contains("boom"), log.lines.toString());
    }

    @Test
    void withNoHandlerTheDefaultLogsAndDecidesTheConfiguredRecovery() {
        MemoryAllocationException e = overLimit();
        assertEquals(Recovery.FAIL, e.decision());
        assertTrue(log.contains("Memory allocation error for 2000 bytes"), log.lines.toString());
        assertTrue(abortCodes.isEmpty());
    }

    @Test
    void defaultAbortCallsTheAbortActionOnceWithTheExitCode() {
        allocator.configure(allocator.config().withDefaultRecovery(Recovery.ABORT).withAbortExitCode(99));
        MemoryAllocationException first = overLimit();
        overLimit();
        assertEquals(Recovery.ABORT, first.decision());
        assertEquals(List.of(99), abortCodes, "one abort, however many failures follow");
        assertTrue(log.contains("aborting, exit code 99"), log.lines.toString());
    }

    @Test
    void setMemHandlerIsAskedAfterTheRankedHandlersAndNullRestoresTheDefault() {
        allocator.handlers().add(answering("ranked", Recovery.DEFER), 0);
        allocator.setMemHandler(answering("global", Recovery.FAIL));
        overLimit();
        assertEquals(List.of("ranked", "global"), asked);
        allocator.setMemHandler(null);
        asked.clear();
        assertEquals(Recovery.FAIL, overLimit().decision());
        assertEquals(List.of("ranked"), asked);
    }

    @Test
    void aHandlerThatAllocatesAndFailsDoesNotRecurse() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Throwable> inner = new AtomicReference<>();
        allocator.handlers().add(e -> {
            calls.incrementAndGet();
            try {
                allocator.unowned().rAlloc(5000);
            } catch (MemoryAllocationException ex) {
                inner.set(ex);
            }
            return Recovery.FAIL;
        }, 0);
        overLimit();
        assertEquals(1, calls.get(), "the inner failure did not reach the handlers");
        assertEquals(Recovery.FAIL, ((MemoryAllocationException) inner.get()).decision());
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void aHandlerMayAllocateSuccessfully() {
        List<MemorySegment> made = new ArrayList<>();
        allocator.handlers().add(e -> {
            made.add(allocator.unowned().rAlloc(10));
            return Recovery.FAIL;
        }, 0);
        overLimit();
        assertEquals(10, allocator.stats().bytesInUse());
        allocator.unowned().rFree(made.get(0));
    }

    @Test
    void aFailedResizeKeepsTheOriginalValidAndAccounted() {
        allocator.handlers().add(answering("fail", Recovery.FAIL), 0);
        MemorySegment s = allocator.unowned().rAlloc(100);
        s.fill((byte) 9);
        assertEquals(Cause.LIMIT, assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rRealloc(s, 5000)).cause());
        backend.failNext(1);
        assertEquals(Cause.FAIL, assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rRealloc(s, 200)).cause());
        assertEquals(100, allocator.stats().bytesInUse());
        assertEquals(9, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 99));
        MemorySegment grown = allocator.unowned().rRealloc(s, 300);
        assertEquals(300, allocator.stats().bytesInUse());
        allocator.unowned().rFree(grown);
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void aResizeMayBeRetriedAfterAFailure() {
        MemorySegment s = allocator.unowned().rAlloc(100);
        backend.failNext(2);
        allocator.handlers().add(e -> Recovery.RETRY, 0);
        MemorySegment grown = allocator.unowned().rRealloc(s, 400);
        assertEquals(400, grown.byteSize());
        assertEquals(2, allocator.stats().failures().get(Cause.FAIL), "each failed attempt is one event");
        allocator.unowned().rFree(grown);
    }

    @Test
    void warningFiresOncePerUpwardCrossingAndIsReArmedBelow() {
        allocator.configure(allocator.config().withWarnPercent(50));
        List<MemEvent> warnings = new CopyOnWriteArrayList<>();
        allocator.handlers().add(e -> {
            if (e.cause() == Cause.WARNING) {
                warnings.add(e);
            }
            return Recovery.FAIL; // ignored for warnings
        }, 0);
        MemorySegment a = allocator.unowned().rAlloc(400);
        assertEquals(0, warnings.size());
        MemorySegment b = allocator.unowned().rAlloc(200); // 600 >= 500
        assertEquals(1, warnings.size());
        assertEquals(200, warnings.get(0).size());
        MemorySegment c = allocator.unowned().rAlloc(100);
        assertEquals(1, warnings.size(), "still above: no new warning");
        allocator.unowned().rFree(b);
        allocator.unowned().rFree(c); // 400 < 500: re-armed
        MemorySegment d = allocator.unowned().rAlloc(150);
        assertEquals(2, warnings.size());
        assertEquals(2, allocator.stats().failures().get(Cause.WARNING));
        assertTrue(abortCodes.isEmpty(), "FAIL on a warning is not acted upon");
        allocator.unowned().rFree(a);
        allocator.unowned().rFree(d);
    }

    @Test
    void abortOnAWarningIsActedUponButTheAllocationSucceeds() {
        allocator.configure(allocator.config().withWarnPercent(50));
        allocator.handlers().add(e -> e.cause() == Cause.WARNING ? Recovery.ABORT : Recovery.DEFER, 0);
        MemorySegment s = allocator.unowned().rAlloc(700);
        assertEquals(700, s.byteSize());
        assertEquals(1, abortCodes.size());
        allocator.unowned().rFree(s);
    }

    @Test
    void theExceptionCarriesTheTopHolders() {
        try (OwnerView big = allocator.open(new Owner(5, "big")); OwnerView small = allocator.open(new Owner(6, "small"))) {
            big.rAlloc(700);
            small.rAlloc(100);
            MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> small.rAlloc(500));
            assertEquals(List.of("big", "small"), e.topHolders().stream().map(h -> h.bundleName()).toList());
            assertEquals(700, e.topHolders().get(0).bytesInUse());
            assertTrue(e.getMessage().contains("big [5] 700"), e.getMessage());
            assertSame(e.event(), e.event());
            assertNull(e.getCause());
            assertFalse(e.topHolders().isEmpty());
        }
        assertEquals(0, allocator.stats().bytesInUse());
    }
}
