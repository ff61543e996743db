package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/** Several threads at once: exact accounting, one winner per double free, handlers never block others. */
@Timeout(60)
class ConcurrencyTest {

    private final SafeAllocator allocator = SafeAllocator.builder().logger(new RecordingLogger())
            .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL))
            .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
            .build();

    @Test
    void threadsAllocatingAndFreeingLeaveExactAccounts() throws Exception {
        allocator.configure(allocator.config().withLimit(8 << 20));
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            OwnerView view = allocator.open(new Owner(t, "worker" + t));
            results.add(pool.submit(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                List<MemorySegment> held = new ArrayList<>();
                long failures = 0;
                for (int i = 0; i < 20_000; i++) {
                    if (held.isEmpty() || random.nextInt(3) > 0 && held.size() < 2_000) {
                        try {
                            held.add(view.rAlloc(random.nextInt(1, 4096)));
                        } catch (MemoryAllocationException e) {
                            failures++;
                        }
                    } else {
                        view.rFree(held.remove(random.nextInt(held.size())));
                    }
                }
                long bytes = held.stream().mapToLong(MemorySegment::byteSize).sum();
                assertEquals(bytes, view.stats().bundles().stream().filter(b -> b.bundleName().equals(view.owner().name()))
                        .findFirst().orElseThrow().bytesInUse(), "own account while the others run");
                held.forEach(view::rFree);
                return new long[] {failures};
            }));
        }
        for (Future<long[]> f : results) {
            f.get();
        }
        pool.shutdown();
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(0, allocator.stats().liveAllocations());
        assertEquals(allocator.stats().allocations(), allocator.stats().frees());
        assertTrue(allocator.stats().peak() <= 8 << 20, "the limit held: peak " + allocator.stats().peak());
    }

    @Test
    void ofTwoThreadsFreeingTheSameSegmentExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        for (int round = 0; round < 2_000; round++) {
            MemorySegment s = allocator.unowned().rAlloc(24);
            CyclicBarrier start = new CyclicBarrier(2);
            AtomicInteger rejected = new AtomicInteger();
            Runnable free = () -> {
                try {
                    start.await();
                    allocator.unowned().rFree(s);
                } catch (IllegalArgumentException e) {
                    rejected.incrementAndGet();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            Future<?> a = pool.submit(free);
            Future<?> b = pool.submit(free);
            a.get();
            b.get();
            assertEquals(1, rejected.get(), "round " + round);
        }
        pool.shutdown();
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(2_000, allocator.stats().frees());
    }

    @Test
    void aBlockedHandlerDoesNotStopOtherThreads() throws Exception {
        allocator.configure(allocator.config().withLimit(1000));
        CountDownLatch handlerEntered = new CountDownLatch(1);
        CountDownLatch othersDone = new CountDownLatch(1);
        allocator.handlers().add(e -> {
            handlerEntered.countDown();
            try {
                othersDone.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return Recovery.FAIL;
        }, 0);
        Thread blocked = Thread.ofPlatform().start(() -> {
            try {
                allocator.unowned().rAlloc(5000);
            } catch (MemoryAllocationException expected) {
                // decided FAIL once the others were done
            }
        });
        assertTrue(handlerEntered.await(30, TimeUnit.SECONDS));
        for (int i = 0; i < 1000; i++) { // meanwhile, another thread allocates, frees, re-ranks
            allocator.unowned().rFree(allocator.unowned().rAlloc(100));
        }
        allocator.handlers().add(e -> Recovery.DEFER, 5).unregister();
        othersDone.countDown();
        blocked.join();
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void closingAnOwnerWhileItsThreadsAllocateLosesNothing() throws Exception {
        for (int round = 0; round < 50; round++) {
            OwnerView view = allocator.open(new Owner(round, "closing"));
            CountDownLatch started = new CountDownLatch(1);
            Thread worker = Thread.ofPlatform().start(() -> {
                started.countDown();
                try {
                    for (;;) {
                        view.rAlloc(64);
                    }
                } catch (IllegalStateException closed) {
                    // expected once the view is closed
                }
            });
            started.await();
            view.release();
            worker.join();
            assertEquals(0, allocator.stats().bytesInUse(), "round " + round);
            assertEquals(allocator.stats().allocations(), allocator.stats().frees(), "round " + round);
        }
    }
}
