package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * Test fixture for the ledger tests that go through an allocator: a fresh allocator per test,
 * owners and long-lived worker threads opened through it and released after the test, and the
 * figures the tests compare (granted bytes, owner figures, refusals).
 */
abstract class LedgerFixture {

    SafeAllocator allocator;
    final List<OwnerView> views = new ArrayList<>();
    final List<Worker> workers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        allocator = SafeAllocator.builder().silent()
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
    }

    /** Safety net: ends the workers and releases the views, so a failed test leaks no native memory. */
    @AfterEach
    void releaseEverything() throws InterruptedException {
        for (Worker w : workers) {
            w.stop();
        }
        for (OwnerView v : views) {
            v.release();
        }
        assertEquals(0, allocator.stats().bytesInUse(), "bytes in use after the test");
        assertEquals(0, allocator.stats().liveAllocations(), "live allocations after the test");
    }

    // ---- helpers ------------------------------------------------------------------------------

    OwnerView open(String name) {
        OwnerView view = allocator.open(new Owner(views.size() + 1, name));
        views.add(view);
        return view;
    }

    Worker worker(String name) {
        Worker w = new Worker(name);
        workers.add(w);
        return w;
    }

    void limit(long bytes) {
        allocator.configure(allocator.config().withLimit(bytes));
    }

    static Ledgers ledgersOf(SafeAllocator allocator) {
        return allocator.ledgers();
    }

    static Account accountOf(OwnerView view) {
        return view.account();
    }

    /** @return the global budget granted: the bytes in use plus every thread's reserve */
    long granted() {
        return ledgersOf(allocator).global().granted();
    }

    BundleStats figuresOf(String name) {
        return allocator.stats().bundles().stream().filter(b -> b.bundleName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + allocator.stats().bundles()));
    }

    static MemoryAllocationException refused(Budget budget, Executable call) {
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, call);
        assertEquals(Cause.LIMIT, e.cause(), e.getMessage());
        assertEquals(budget, e.event().budget(), e.getMessage());
        return e;
    }

    static long sum(List<MemorySegment> segments) {
        return segments.stream().mapToLong(MemorySegment::byteSize).sum();
    }

    /**
     * A thread that stays alive between the tasks given to it (so its reserves persist), runs them in
     * order, and ends only when stopped (joined). {@link Future#get} orders its work before the
     * caller's next step.
     */
    static final class Worker {
        private static final FutureTask<Void> STOP = new FutureTask<>(() -> null);
        private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>();
        final Thread thread;

        Worker(String name) {
            thread = Thread.ofPlatform().name(name).start(() -> {
                try {
                    for (FutureTask<?> task = tasks.take(); task != STOP; task = tasks.take()) {
                        task.run();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        <T> Future<T> submit(Callable<T> work) {
            FutureTask<T> task = new FutureTask<>(work);
            tasks.add(task);
            return task;
        }

        /**
         * Runs {@code work} on the worker and returns once the worker is idle again (parked for its
         * next task): the tests that follow treat it as a thread outside any call, which is what a
         * reclaim of reserves looks for.
         */
        <T> T call(Callable<T> work) throws Exception {
            T result = await(submit(work));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (thread.getState() != Thread.State.WAITING && thread.isAlive()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(thread.getName() + " did not go idle: " + thread.getState());
                }
                Thread.onSpinWait();
            }
            return result;
        }

        void run(Executable work) throws Exception {
            call(() -> {
                try {
                    work.execute();
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                return null;
            });
        }

        /** Ends the thread and joins it: afterwards it is no longer alive, so its ledgers may be folded. */
        void stop() throws InterruptedException {
            if (thread.isAlive()) {
                tasks.add(STOP);
                thread.join();
            }
        }

        static <T> T await(Future<T> future) throws Exception {
            try {
                return future.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw (Exception) e.getCause();
            }
        }
    }
}
