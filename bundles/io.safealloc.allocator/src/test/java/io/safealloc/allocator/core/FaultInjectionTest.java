package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * malloc, calloc, aligned_alloc and realloc return NULL on a seeded 1 % of calls: every injected
 * NULL reaches the handlers once, as cause FAIL, and the accounting stays exact (checked against
 * the allocator's figures and against what libc really holds). Seeds can be replayed with
 * {@code -Dsafealloc.fault.seed=N}.
 */
@Timeout(120)
class FaultInjectionTest {

    private static final long SEED = Long.getLong("safealloc.fault.seed", 20_250_601L);
    private static final int ONE_PERCENT = 100;
    private static final int OPS = 20_000;

    private final FaultInjectingBackend backend = new FaultInjectingBackend(SEED, ONE_PERCENT);
    private final SafeAllocator allocator = SafeAllocator.builder().backend(backend).logger(new RecordingLogger())
            .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL))
            .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
            .build();

    /** What the handlers saw, per cause, and what was acted upon, per decision. */
    private final Map<Cause, AtomicLong> seenByHandler = new ConcurrentHashMap<>();
    private final Map<Recovery, AtomicLong> acted = new ConcurrentHashMap<>();
    private final AtomicLong handlerCalls = new AtomicLong();

    FaultInjectionTest() {
        // Half of the injected failures are retried (the retry may succeed, or meet another NULL),
        // half fail the call. Alternating keeps the split independent of thread scheduling.
        allocator.handlers().add(event -> {
            seenByHandler.computeIfAbsent(event.cause(), c -> new AtomicLong()).incrementAndGet();
            return handlerCalls.incrementAndGet() % 2 == 0 ? Recovery.RETRY : Recovery.FAIL;
        }, 0);
        allocator.addObserver(new AllocatorObserver() {
            @Override
            public void decided(MemEvent event, Recovery decision) {
                acted.computeIfAbsent(decision, d -> new AtomicLong()).incrementAndGet();
            }
        });
    }

    @AfterEach
    void nothingLeftInLibc() {
        assertEquals(0, allocator.stats().bytesInUse(), "bytes in use (seed " + SEED + ")");
        assertEquals(0, allocator.stats().liveAllocations(), "live allocations (seed " + SEED + ")");
        assertEquals(0, backend.outstandingBlocks(), "blocks libc still holds (seed " + SEED + ")");
    }

    private long seen(Cause cause) {
        return seenByHandler.getOrDefault(cause, new AtomicLong()).get();
    }

    private long acted(Recovery decision) {
        return acted.getOrDefault(decision, new AtomicLong()).get();
    }

    @Test
    void everyInjectedNullIsOneFailEventAndTheAccountingStaysExact() {
        Workload workload = new Workload(allocator.unowned(), new SplittableRandom(SEED));
        workload.run(OPS, true);
        long injected = backend.injected();
        assertTrue(injected > OPS / 200, "the seed injected failures: " + injected + " of " + backend.calls());
        assertFaultsAccountedFor(workload.exceptions);
        workload.freeAll();
    }

    @Test
    void twoThreadsUnderInjectedFaultsLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Workload>> done = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            OwnerView view = allocator.open(new Owner(t, "thread" + t));
            SplittableRandom random = new SplittableRandom(SEED + t);
            done.add(pool.submit(() -> {
                Workload w = new Workload(view, random);
                w.run(OPS, false);
                return w;
            }));
        }
        long exceptions = 0;
        List<Workload> workloads = new ArrayList<>();
        for (Future<Workload> f : done) {
            Workload w = f.get(60, TimeUnit.SECONDS);
            workloads.add(w);
            exceptions += w.exceptions;
        }
        pool.shutdown();
        // Quiescent now: the figures must equal what the two threads hold.
        long heldBytes = workloads.stream().mapToLong(Workload::heldBytes).sum();
        long heldBlocks = workloads.stream().mapToLong(w -> w.held.size()).sum();
        assertEquals(heldBytes, allocator.stats().bytesInUse());
        assertEquals(heldBlocks, allocator.stats().liveAllocations());
        assertEquals(heldBlocks, backend.outstandingBlocks());
        assertFaultsAccountedFor(exceptions);
        workloads.forEach(Workload::freeAll);
    }

    private void assertFaultsAccountedFor(long exceptionsSeenByCallers) {
        long injected = backend.injected();
        String seed = " (seed " + SEED + ")";
        assertEquals(injected, seen(Cause.FAIL), "each injected NULL reached the handlers once as FAIL" + seed);
        assertEquals(0, seen(Cause.LIMIT) + seen(Cause.TOO_BIG), "no other cause" + seed);
        assertEquals(injected, allocator.stats().failures().get(Cause.FAIL), "counted once in the statistics" + seed);
        assertEquals(injected, acted(Recovery.FAIL) + acted(Recovery.RETRY), "every event was decided" + seed);
        assertEquals(acted(Recovery.FAIL), exceptionsSeenByCallers,
                "every acted FAIL is one MemoryAllocationException, and nothing else threw" + seed);
    }

    /**
     * One thread's random calls (rAlloc, rAllocType, rRealloc, rMemdup, rFree) with a model of what
     * it holds. Each block is filled with its own byte, so that a failed resize is seen to keep the
     * original intact.
     */
    private final class Workload {
        private final io.safealloc.api.AllocatorService service;
        private final SplittableRandom random;
        final List<MemorySegment> held = new ArrayList<>();
        long exceptions;

        Workload(io.safealloc.api.AllocatorService service, SplittableRandom random) {
            this.service = service;
            this.random = random;
        }

        long heldBytes() {
            long sum = 0;
            for (MemorySegment s : held) {
                sum += accounted(s);
            }
            return sum;
        }

        /** Over-aligned blocks are accounted at their rounded size (they are tagged by alignment). */
        private long accounted(MemorySegment s) {
            long alignment = alignments.getOrDefault(s.address(), 0L);
            return alignment > 16 ? (Math.max(s.byteSize(), 1) + alignment - 1) & -alignment : s.byteSize();
        }

        private final Map<Long, Long> alignments = new java.util.HashMap<>();

        void run(int ops, boolean checkEveryStep) {
            for (int i = 0; i < ops; i++) {
                step();
                if (checkEveryStep) {
                    assertEquals(heldBytes(), allocator.stats().bytesInUse(), "after op " + i + " (seed " + SEED + ")");
                    assertEquals(held.size(), allocator.stats().liveAllocations(), "after op " + i);
                    assertEquals(held.size(), backend.outstandingBlocks(), "libc blocks after op " + i);
                }
            }
        }

        private void step() {
            int op = held.size() > 200 ? 4 : random.nextInt(held.isEmpty() ? 2 : 5);
            try {
                switch (op) {
                    case 0 -> keep(service.rAlloc(random.nextLong(0, 4096)), 0);
                    case 1 -> {
                        long alignment = 1L << random.nextInt(3, 13);
                        long size = random.nextLong(1, 512) * 8;
                        keep(service.rAllocType(MemoryLayout.paddingLayout(size).withByteAlignment(alignment)), alignment);
                    }
                    case 2 -> resize(random.nextInt(held.size()));
                    case 3 -> keep(service.rMemdup(held.get(random.nextInt(held.size()))), 0);
                    default -> {
                        MemorySegment s = held.remove(random.nextInt(held.size()));
                        alignments.remove(s.address());
                        service.rFree(s);
                    }
                }
            } catch (MemoryAllocationException e) {
                assertEquals(Cause.FAIL, e.cause(), e.getMessage());
                exceptions++;
            }
        }

        private void keep(MemorySegment s, long alignment) {
            s.fill((byte) (s.address() >>> 4));
            held.add(s);
            if (alignment > 16) {
                alignments.put(s.address(), alignment);
            }
        }

        private void resize(int index) {
            MemorySegment s = held.get(index);
            byte mark = (byte) (s.address() >>> 4);
            try {
                MemorySegment r = service.rRealloc(s, random.nextLong(0, 8192));
                alignments.remove(s.address()); // a resize gives 16-byte alignment, accounted exactly
                held.remove(index);
                keep(r, 0);
            } catch (MemoryAllocationException e) {
                if (s.byteSize() > 0) { // the original is untouched and still ours
                    assertEquals(mark, s.get(JAVA_BYTE, 0));
                    assertEquals(mark, s.get(JAVA_BYTE, s.byteSize() - 1));
                }
                throw e;
            }
        }

        void freeAll() {
            held.forEach(service::rFree);
            held.clear();
        }
    }
}
