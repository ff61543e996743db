package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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

    /**
     * Threads open and close arenas (keeping a few open) while their owner is released: every arena
     * that opened is either closed by its thread before the release or found by it, so after the
     * release none of them takes an allocation any more, and once the threads close them, nothing
     * is left in libc or the books. An open that the release missed would still allocate.
     */
    @Test
    void closingAnOwnerWhileItsThreadsOpenArenasMissesNone() throws Exception {
        FaultInjectingBackend libc = FaultInjectingBackend.reliable();
        SafeAllocator a = TestAllocators.failing(libc, Safety.FAST);
        for (int round = 0; round < 300; round++) {
            OwnerView view = a.open(new Owner(round, "opening"));
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch released = new CountDownLatch(1);
            AtomicInteger missed = new AtomicInteger();
            AtomicInteger stillOpen = new AtomicInteger();
            Runnable worker = () -> {
                ArrayDeque<Arena> open = new ArrayDeque<>();
                started.countDown();
                try {
                    for (int i = 0;; i++) {
                        Arena arena = i % 2 == 0 ? view.confinedArena() : view.sharedArena();
                        open.add(arena);
                        arena.allocate(64);
                        if (open.size() > 3) {
                            open.removeFirst().close();
                        }
                    }
                } catch (IllegalStateException stopped) {
                    // the owner is closed: an open refused, or an allocation on an arena the release closed
                }
                awaitIgnoringInterrupts(released); // the release may still be closing this thread's arenas
                for (Arena arena : open) {
                    try {
                        arena.allocate(8);
                        missed.incrementAndGet();
                    } catch (IllegalStateException closedByTheRelease) {
                        stillOpen.incrementAndGet();
                    }
                    arena.close(); // closed by the release: a no-op
                }
            };
            AtomicReference<Throwable> died = new AtomicReference<>(); // a worker that died would leave arenas open
            Thread first = Thread.ofPlatform().uncaughtExceptionHandler((t, e) -> died.set(e)).start(worker);
            Thread second = Thread.ofPlatform().uncaughtExceptionHandler((t, e) -> died.set(e)).start(worker);
            started.await();
            Leaks leaks = view.release();
            released.countDown();
            first.join();
            second.join();
            assertEquals(null, died.get(), "round " + round);
            assertEquals(0, missed.get(), "round " + round);
            assertTrue(leaks.arenas() >= stillOpen.get(), "round " + round + ": " + leaks);
            assertEquals(0, a.stats().bytesInUse(), "round " + round);
            assertEquals(0, libc.outstandingBlocks(), "round " + round);
        }
    }

    /**
     * The JDK interrupts a thread whose memory access a shared arena's close cut short (it delivers
     * the access's exception asynchronously, and interrupts the thread to wake it from a wait), so a
     * thread that used a shared arena its owner's release closed may find itself interrupted.
     */
    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        for (;;) {
            try {
                latch.await();
                return;
            } catch (InterruptedException fromAnArenaClose) {
                // wait on
            }
        }
    }

    private static final int ADOPTION_ROUNDS = 100;

    /**
     * adopt checks that the address is not live and inserts it as one step: LiveTable.insert assumes
     * the key is absent, so two threads adopting the same address at once must not both pass the
     * check (two entries, the block accounted twice, and two rFree calls both reaching libc free: a
     * double free, which glibc answers by aborting the JVM). Best effort: the window is narrow, so the
     * race runs at least {@value #ADOPTION_ROUNDS} rounds, and more for up to two seconds.
     */
    @Test
    void ofTwoThreadsAdoptingTheSameAddressExactlyOneWins() throws Exception {
        FaultInjectingBackend backend = FaultInjectingBackend.reliable();
        SafeAllocator a = TestAllocators.failing(backend, Safety.FAST);
        AtomicLong target = new AtomicLong();
        AtomicLong round = new AtomicLong();
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Runnable racer = () -> {
            for (long r = 1;; r++) {
                long go;
                while ((go = round.get()) < r) {
                    Thread.onSpinWait();
                }
                if (go == Long.MAX_VALUE) {
                    return;
                }
                try {
                    a.unowned().adopt(MemorySegment.ofAddress(target.get()), 16);
                    wins.incrementAndGet();
                } catch (IllegalArgumentException alreadyOwned) {
                    // the loser of the race
                }
                done.incrementAndGet();
            }
        };
        Thread first = Thread.ofPlatform().daemon().start(racer);
        Thread second = Thread.ofPlatform().daemon().start(racer);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long r = 0;
        try {
            while (r < ADOPTION_ROUNDS || System.nanoTime() < deadline) {
                r++;
                long raw = backend.mallocForAdoption(16);
                target.set(raw);
                wins.set(0);
                done.set(0);
                round.set(r);
                while (done.get() < 2) {
                    Thread.onSpinWait();
                }
                // Checked before any free: with two entries, a second rFree would be a libc double free.
                assertEquals(1, wins.get(), "round " + r + ": adopted " + wins.get() + " times; live allocations "
                        + a.stats().liveAllocations());
                a.unowned().rFree(MemorySegment.ofAddress(raw));
            }
        } finally {
            round.set(Long.MAX_VALUE); // lets the racers out
            first.join(10_000);
            second.join(10_000);
        }
        assertTrue(r > 50, "rounds raced: " + r);
        assertEquals(0, a.stats().liveAllocations());
        assertEquals(0, backend.outstandingBlocks());
    }
}
