package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.safealloc.api.MemoryAllocationException;

/**
 * Issue 12, item 5: the reserves that idle threads keep never make a LIMIT out of memory that is
 * not in use. They are taken back before a refusal and capped at once by a new limit, and taking
 * them back never lets the bytes really allocated pass the limit.
 */
@Timeout(120)
class ReserveReclaimTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void aNewLimitCapsTheReserveOfAnIdleThreadThatCycledLargeBlocks() throws Exception {
        FaultInjectingBackend backend = FaultInjectingBackend.reliable();
        SafeAllocator allocator = TestAllocators.failing(backend, Safety.FAST);
        OwnerView view = allocator.unowned();
        CountDownLatch cycled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread cycler = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 10; i++) {
                view.rFree(view.rAlloc(4 * MIB)); // without a limit, the reserve grows to hold 4 MiB
            }
            cycled.countDown();
            await(release);
        });
        try {
            assertTrue(cycled.await(30, TimeUnit.SECONDS));
            awaitParked(cycler); // idle: outside any call, which is what a new limit takes reserves from
            assertEquals(4 * MIB, allocator.ledgers().global().granted(), "the idle thread keeps 4 MiB");

            allocator.configure(allocator.config().withLimit(4 * MIB));

            assertTrue(allocator.ledgers().global().granted() <= 4 * MIB / 1024,
                    "at most limit/1024 kept, as the README promises; granted "
                            + allocator.ledgers().global().granted());
            MemorySegment all = view.rAlloc(4 * MIB); // before the fix: LIMIT (0 of 4194304 bytes in use)
            assertEquals(4 * MIB, allocator.stats().bytesInUse());
            view.rFree(all);
            assertEquals(0, backend.outstandingBlocks());
        } finally {
            release.countDown();
            cycler.join();
        }
    }

    @Test
    void idleVirtualThreadsThatEachAllocatedOnceDoNotEmptyTheBudget() throws Exception {
        FaultInjectingBackend backend = FaultInjectingBackend.reliable();
        SafeAllocator allocator = TestAllocators.failing(backend, Safety.FAST);
        allocator.configure(allocator.config().withLimit(4 * MIB));
        OwnerView view = allocator.unowned();
        int threads = 1_100;
        CountDownLatch allocated = new CountDownLatch(threads);
        CountDownLatch release = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                started.add(Thread.ofVirtual().start(() -> {
                    try {
                        view.rFree(view.rAlloc(4096)); // leaves a reserve of limit/1024 = 4 KiB
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                    allocated.countDown();
                    await(release); // idle, alive, holding its reserve
                }));
            }
            assertTrue(allocated.await(60, TimeUnit.SECONDS));
            started.forEach(ReserveReclaimTest::awaitParked);
            assertEquals(List.of(), List.copyOf(failures), "no thread was refused while 4 KiB were in use at most");
            MemorySegment one = view.rAlloc(1); // before the fix: LIMIT (0 of 4194304 bytes in use)
            MemorySegment rest = view.rAlloc(4 * MIB - 1); // every idle reserve is taken back
            assertEquals(4 * MIB, allocator.stats().bytesInUse());
            MemoryAllocationException over = org.junit.jupiter.api.Assertions.assertThrows(
                    MemoryAllocationException.class, () -> view.rAlloc(1), "the limit itself still holds");
            assertTrue(over.getMessage().contains("4194304 of 4194304 bytes in use"), over.getMessage());
            view.rFree(one);
            view.rFree(rest);
        } finally {
            release.countDown();
            for (Thread t : started) {
                t.join();
            }
        }
        assertEquals(0, backend.outstandingBlocks());
        assertEquals(0, allocator.stats().bytesInUse());
    }

    /**
     * Greedy threads allocate until refused while hundreds of idle threads hold reserves, so that
     * reclaims run again and again, concurrently with the greedy threads' lock-free use of their own
     * reserves: the bytes libc really holds never pass the limit, and once every thread has ended
     * the budget's books balance to the byte (a reserve taken twice, or used after it was taken,
     * would leave them off).
     */
    @Test
    void theLimitIsNeverPassedWhileReservesAreReclaimed() throws Exception {
        long limit = 2 * MIB;
        PeakBackend backend = new PeakBackend();
        SafeAllocator allocator = TestAllocators.failing(backend, Safety.FAST);
        allocator.configure(allocator.config().withLimit(limit));
        OwnerView view = allocator.unowned();
        int idle = 400;
        CountDownLatch reserved = new CountDownLatch(idle);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < idle; t++) {
            started.add(Thread.ofVirtual().start(() -> {
                view.rFree(view.rAlloc(limit / 1024));
                reserved.countDown();
                await(release);
            }));
        }
        assertTrue(reserved.await(60, TimeUnit.SECONDS));
        AtomicLong refusals = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        List<Thread> greedy = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            long seed = t;
            greedy.add(Thread.ofPlatform().start(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                List<MemorySegment> mine = new ArrayList<>();
                try {
                    for (int i = 0; i < 40_000; i++) {
                        try {
                            mine.add(view.rAlloc(1 + random.nextInt(32 * 1024)));
                        } catch (MemoryAllocationException refused) {
                            refusals.incrementAndGet();
                            for (int n = mine.size() / 2; n > 0; n--) {
                                view.rFree(mine.remove(random.nextInt(mine.size())));
                            }
                        }
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                } finally {
                    mine.forEach(view::rFree);
                }
            }));
        }
        for (Thread t : greedy) {
            t.join();
        }
        release.countDown();
        for (Thread t : started) {
            t.join();
        }
        assertEquals(List.of(), List.copyOf(unexpected));
        assertTrue(refusals.get() > 0, "the greedy threads reached the limit");
        assertTrue(backend.peak.get() <= limit, "libc never held more than the limit: peak " + backend.peak.get());
        assertEquals(0, backend.live.get());
        assertEquals(0, allocator.stats().bytesInUse());
        allocator.ledgers().foldEndedThreads();
        assertEquals(0, allocator.ledgers().global().granted(),
                "every thread ended and its reserve folded: nothing granted is unaccounted for");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** libc, counting the bytes it holds and their highest figure. */
    private static final class PeakBackend implements NativeBackend {
        final AtomicLong live = new AtomicLong();
        final AtomicLong peak = new AtomicLong();

        private long track(long address, long size) {
            if (address != 0) {
                peak.accumulateAndGet(live.addAndGet(size), Math::max);
            }
            return address;
        }

        @Override
        public long malloc(long size) {
            return track(LibcBackend.INSTANCE.malloc(size), size);
        }

        @Override
        public long calloc(long size) {
            return track(LibcBackend.INSTANCE.calloc(size), size);
        }

        @Override
        public long aligned(long alignment, long size) {
            return track(LibcBackend.INSTANCE.aligned(alignment, size), size);
        }

        @Override
        public long realloc(long address, long size) {
            throw new AssertionError("not used here");
        }

        @Override
        public void free(long address, long size) {
            live.addAndGet(-size);
            LibcBackend.INSTANCE.free(address, size);
        }
    }

    /** Waits until {@code thread} is parked (idle between calls), within a deadline. */
    private static void awaitParked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(thread + " did not park: " + thread.getState());
            }
            Thread.onSpinWait();
        }
    }
}
