package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;
import io.safealloc.api.Unhandled;

/**
 * Handlers that misbehave (catalogue rows "a handler that ..."): none of them may hang other
 * threads, recurse, crash or corrupt the accounting. Everything is synchronised with latches.
 */
@Timeout(60)
class HandlerMisuseTest {

    private static final int LIMIT = 1000;

    private final RecordingLogger log = new RecordingLogger();
    private final SafeAllocator allocator = SafeAllocator.builder().logger(log)
            .config(AllocatorConfig.DEFAULTS.withLimit(LIMIT).withDefaultRecovery(Recovery.FAIL))
            .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
            .build();

    @AfterEach
    void accountingIntact() {
        assertEquals(0, allocator.stats().bytesInUse(), "bytes in use");
        assertEquals(0, allocator.stats().liveAllocations(), "live allocations");
    }

    private MemoryAllocationException overLimit() {
        return assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(LIMIT + 1));
    }

    private static String limitMessage(String decision) {
        return "Memory allocation error for 1001 bytes: LIMIT (global limit: 0 of 1000 bytes in use), requested by "
                + "none [-1], attempt " + (decision.startsWith("retries") ? "4" : "1") + "; top holders: none; " + decision;
    }

    @Test
    void aThrowingHandlerIsLoggedAndCountsAsDefer() {
        MemHandler throwing = new MemHandler() {
            @Override
            public Recovery handle(MemEvent event) {
                throw new IllegalStateException("handler bug");
            }

            @Override
            public String toString() {
                return "ThrowingHandler";
            }
        };
        AtomicInteger next = new AtomicInteger();
        allocator.handlers().add(throwing, 10);
        allocator.handlers().add(e -> {
            next.incrementAndGet();
            return Recovery.FAIL;
        }, 5);
        MemoryAllocationException e = overLimit();
        assertEquals(limitMessage("decision FAIL"), e.getMessage());
        assertEquals(1, next.get(), "the next handler decided");
        assertTrue(log.lines.contains("ERROR memory handler ThrowingHandler threw java.lang.IllegalStateException: "
                + "handler bug; treated as DEFER"), log.lines.toString());
        // The ERROR line carries no throwable (no stack trace on the console); the trace goes to DEBUG.
        assertTrue(log.lines.contains("DEBUG memory handler ThrowingHandler threw java.lang.IllegalStateException: "
                + "handler bug"), log.lines.toString());
    }

    @Test
    void aHandlerReturningNullCountsAsDeferAndTheDefaultDecides() {
        allocator.handlers().add(e -> null, 0);
        MemoryAllocationException e = overLimit();
        assertEquals(Recovery.FAIL, e.decision());
        assertTrue(log.contains("Memory allocation error for 1001 bytes: LIMIT"), "the default handler decided");
    }

    @Test
    void aHandlerRetryingForeverIsCutOffAtMaxRetries() {
        AtomicInteger calls = new AtomicInteger();
        allocator.handlers().add(e -> {
            calls.incrementAndGet();
            return Recovery.RETRY;
        }, 0);
        assertEquals(limitMessage("retries exhausted after 3 retries"), overLimit().getMessage());
        assertEquals(4, calls.get());
        allocator.configure(allocator.config().withMaxRetries(0));
        calls.set(0);
        MemoryAllocationException none = overLimit();
        assertEquals(1, calls.get(), "maxRetries 0: asked once, no retry");
        assertEquals(Recovery.RETRY, none.decision());
        allocator.configure(allocator.config().withMaxRetries(100));
        calls.set(0);
        overLimit();
        assertEquals(101, calls.get(), "bounded at the largest setting too");
    }

    @Test
    void aHandlerAllocatingReEntrantlyGetsPlainAnswersAndNeverRecurses() {
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        AtomicReference<MemoryAllocationException> inner = new AtomicReference<>();
        List<MemorySegment> madeInside = new CopyOnWriteArrayList<>();
        allocator.handlers().add(e -> {
            maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
            try {
                madeInside.add(allocator.unowned().rAlloc(100)); // fits: succeeds inside the handler
                MemorySegment grown = allocator.unowned().rRealloc(madeInside.remove(0), 200);
                madeInside.add(grown);
                allocator.unowned().rAlloc(LIMIT * 10L); // does not fit: fails without asking the handlers again
            } catch (MemoryAllocationException ex) {
                inner.set(ex);
            } finally {
                depth.decrementAndGet();
            }
            return Recovery.FAIL;
        }, 0);
        overLimit();
        assertEquals(1, maxDepth.get(), "never re-entered");
        assertEquals("Memory allocation error for 10000 bytes: LIMIT (global limit: 200 of 1000 bytes in use), "
                + "requested by none [-1], attempt 1; top holders: none [-1] 200; decision FAIL", inner.get().getMessage());
        assertTrue(log.contains("allocation failed inside a memory handler or Unhandled work: FAIL without asking the "
                + "handlers"));
        assertEquals(200, allocator.stats().bytesInUse(), "what the handler allocated is accounted");
        madeInside.forEach(allocator.unowned()::rFree);
    }

    @Test
    void aHandlerThatUnregistersItselfWhileDecidingDecidesThisEventAndIsGoneForTheNext() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<HandlerChain.Registration> self = new AtomicReference<>();
        self.set(allocator.handlers().add(e -> {
            calls.incrementAndGet();
            self.get().unregister();
            self.get().unregister(); // twice: idempotent, no deadlock on the chain's monitor
            allocator.handlers().add(x -> Recovery.DEFER, 99).unregister(); // registering from inside works too
            return Recovery.RETRY;
        }, 0));
        MemoryAllocationException first = overLimit();
        assertEquals(1, calls.get(), "its RETRY was honoured once; the retry's event no longer asked it");
        assertEquals(2, first.event().attempt(), "the retry failed again and the default decided");
        assertTrue(allocator.handlers().inDecisionOrder().isEmpty());
        overLimit();
        assertEquals(1, calls.get(), "not asked for the next event");
    }

    /**
     * A handler that blocks (for seconds, or until released) stalls only the thread whose allocation
     * failed: meanwhile others allocate, free, fail and get decisions, re-rank handlers and change the
     * configuration. The blocked thread is proven still blocked after all that, then released.
     */
    @Test
    void aBlockedHandlerStallsOnlyItsOwnThread() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> blockedThread = new AtomicReference<>();
        allocator.handlers().add(e -> {
            if (e.cause() != Cause.WARNING && blockedThread.compareAndSet(null, Thread.currentThread())) {
                entered.countDown();
                try {
                    assertTrue(release.await(30, TimeUnit.SECONDS), "released");
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                return Recovery.FAIL;
            }
            return Recovery.DEFER; // every later event goes on to the next handler without blocking
        }, 10);
        AtomicInteger othersDecided = new AtomicInteger();
        HandlerChain.Registration second = allocator.handlers().add(e -> {
            if (e.cause() != Cause.WARNING) {
                othersDecided.incrementAndGet();
            }
            return Recovery.FAIL;
        }, 5);

        CompletableFuture<MemoryAllocationException> stalled = CompletableFuture.supplyAsync(
                () -> assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(LIMIT + 1)),
                r -> Thread.ofPlatform().name("stalled").start(r));
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the handler blocked");

        for (int i = 0; i < 10_000; i++) { // meanwhile, this thread allocates and frees
            allocator.unowned().rFree(allocator.unowned().rAlloc(1 + i % LIMIT));
        }
        MemoryAllocationException mine = overLimit(); // and fails, decided without waiting
        assertEquals(Recovery.FAIL, mine.decision());
        assertEquals(1, othersDecided.get());
        second.setRanking(20); // re-ranks
        allocator.configure(allocator.config().withLimit(2 * LIMIT).withWarnPercent(50)); // reconfigures
        MemorySegment big = allocator.unowned().rAlloc(LIMIT + 1); // fits the new limit
        assertNotNull(allocator.stats());
        assertEquals(1, allocator.holdings().size());
        allocator.unowned().rFree(big);

        assertFalse(stalled.isDone(), "still blocked in its handler after all that");
        Thread.State state = blockedThread.get().getState();
        assertTrue(state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING, state.toString());
        release.countDown();
        MemoryAllocationException late = stalled.get(30, TimeUnit.SECONDS);
        assertEquals(Cause.LIMIT, late.cause());
        assertEquals(Recovery.FAIL, late.decision());
        second.unregister();
    }

    /**
     * A handler that throws any Throwable, an Error included (OutOfMemoryError is likely in a memory
     * handler; a sneaky checked exception), counts as DEFER: nothing escapes from the allocating
     * call. In rRealloc the entry is already out of the live table when the handlers are asked, so
     * it must be put back whatever was thrown, or the original block is lost, still accounted but
     * no longer freeable.
     */
    @Test
    void aHandlerThrowingAnErrorCountsAsDefer() {
        SafeAllocator a = TestAllocators.failing(FaultInjectingBackend.reliable(), Safety.FAST);
        a.configure(a.config().withLimit(1000));
        a.handlers().add(HandlerMisuseTest::throwError, 0);
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> a.unowned().rAlloc(5000));
        assertEquals(Recovery.FAIL, e.decision(), "treated as DEFER: the default decided");
    }

    @Test
    void aResizeWhoseHandlerThrowsAnErrorKeepsTheOriginalValidAndAccounted() {
        FaultInjectingBackend backend = FaultInjectingBackend.reliable();
        SafeAllocator a = TestAllocators.failing(backend, Safety.FAST);
        a.configure(a.config().withLimit(1000));
        a.handlers().add(HandlerMisuseTest::throwError, 0);
        MemorySegment s = a.unowned().rAlloc(100);
        try {
            a.unowned().rRealloc(s, 5000);
        } catch (MemoryAllocationException | ServiceConfigurationError failedEitherWay) {
            // whichever it is, the original must survive (C realloc semantics, AllocatorService javadoc)
        }
        assertEquals(1, a.holdings().size(), "the original is still in the live table");
        a.unowned().rFree(s);
        assertEquals(0, a.stats().bytesInUse());
        assertEquals(0, backend.outstandingBlocks(), "and libc got it back");
    }

    /** An Error of its own kind: a real OutOfMemoryError would also end the test runner (JUnit rethrows it). */
    private static Recovery throwError(MemEvent event) {
        throw new ServiceConfigurationError("the handler's plugin could not be loaded");
    }

    @Test
    void workAHandlerHandsToAnotherThreadCarriesTheGuardAndCannotDeadlock() throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor();
        AtomicInteger asked = new AtomicInteger();
        AtomicReference<Throwable> jobResult = new AtomicReference<>();
        try {
            allocator.handlers().add(e -> {
                asked.incrementAndGet();
                // Without the guard, the job's failure would ask this handler again on the worker, which
                // would wait for a second job behind the first on the same single thread: a deadlock.
                Future<?> job = worker.submit(Unhandled.wrap(() -> {
                    try {
                        allocator.unowned().rAlloc(LIMIT * 10L);
                    } catch (MemoryAllocationException expected) {
                        jobResult.set(expected);
                    }
                }));
                try {
                    job.get(10, TimeUnit.SECONDS);
                } catch (Exception e2) {
                    throw new AssertionError("the job did not finish: the guard was not carried", e2);
                }
                return Recovery.FAIL;
            }, 0);
            overLimit();
        } finally {
            worker.shutdownNow();
        }
        assertEquals(1, asked.get(), "the job's failure did not ask the handlers");
        MemoryAllocationException inner = assertInstanceOf(MemoryAllocationException.class, jobResult.get());
        assertEquals(Recovery.FAIL, inner.decision());
        assertFalse(Unhandled.isActive(), "the guard does not leak into the test thread");
    }

    @Test
    void anUnhandledCallNeverAsksTheHandlersAndNeverAborts() {
        AtomicInteger aborts = new AtomicInteger();
        SafeAllocator aborting = SafeAllocator.builder().silent()
                .config(AllocatorConfig.DEFAULTS.withLimit(LIMIT).withDefaultRecovery(Recovery.ABORT))
                .abortAction((e, code) -> aborts.incrementAndGet()).build();
        AtomicInteger asked = new AtomicInteger();
        aborting.handlers().add(e -> {
            asked.incrementAndGet();
            return Recovery.ABORT;
        }, 0);
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class,
                () -> Unhandled.call(() -> aborting.unowned().rAlloc(LIMIT + 1)));
        assertEquals(Recovery.FAIL, e.decision());
        assertEquals(0, asked.get(), "no handler asked");
        assertEquals(0, aborts.get(), "never aborts");
        assertEquals(1, aborting.stats().failures().get(Cause.LIMIT), "still counted");
        assertFalse(Unhandled.isActive());
        MemorySegment fits = Unhandled.call(() -> aborting.unowned().rAlloc(10));
        aborting.unowned().rFree(fits);
    }
}
