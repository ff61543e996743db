package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.safealloc.api.MemStats;
import io.safealloc.api.Recovery;

/**
 * Issue 12, item 1, through the allocator: an allocation whose live-table insert runs out of Java
 * heap throws, is undone (libc holds nothing extra, the figures stay exact), and the allocator keeps
 * serving every thread afterwards; in a JVM of its own, with a real heap exhaustion, too.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a spinning shard is not interruptible
class TableGrowthOomTest {

    @ParameterizedTest
    @EnumSource(FailingSlotArrays.Step.class)
    void anAllocationWhoseTableGrowthFailsIsUndoneAndTheAllocatorGoesOn(FailingSlotArrays.Step step)
            throws Exception {
        FaultInjectingBackend backend = FaultInjectingBackend.reliable();
        FailingSlotArrays arrays = new FailingSlotArrays(step);
        SafeAllocator allocator = SafeAllocator.builder().backend(backend).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL).withSafety(Safety.FAST))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .slotArrays(arrays)
                .build();
        OwnerView view = allocator.unowned();
        List<MemorySegment> held = new ArrayList<>();
        OutOfMemoryError failed = null;
        for (int i = 0; i < 100_000 && failed == null; i++) {
            if (i == 3_000) {
                arrays.arm(1);
            }
            try {
                held.add(view.rAlloc(64));
            } catch (OutOfMemoryError e) {
                failed = e;
            }
        }
        assertNotNull(failed, "a table growth failed inside rAlloc");
        assertTrue(failed.getMessage().startsWith("test: no heap"), failed.toString());
        assertEquals(held.size(), backend.outstandingBlocks(), "the failed allocation was freed in libc");
        assertExact(allocator, held.size(), 64L * held.size());

        // Daemon threads: if a shard hangs, the test fails at its deadline and the spinning threads
        // do not keep the test JVM alive.
        ExecutorService pool = Executors.newFixedThreadPool(3, Thread.ofPlatform().daemon().factory());
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                work.add(pool.submit(() -> {
                    List<MemorySegment> mine = new ArrayList<>();
                    for (int i = 0; i < 20_000; i++) {
                        mine.add(view.rAlloc(64));
                        if (i % 2 == 1) {
                            view.rFree(mine.remove(0));
                        }
                    }
                    mine.forEach(view::rFree);
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS); // a TimeoutException is the hang of a frozen shard
            }
        } finally {
            pool.shutdownNow();
        }
        held.forEach(view::rFree);
        assertEquals(0, backend.outstandingBlocks(), "libc holds nothing");
        assertExact(allocator, 0, 0);
    }

    private static void assertExact(SafeAllocator allocator, long live, long bytes) {
        MemStats stats = allocator.stats();
        assertEquals(bytes, stats.bytesInUse(), "bytes in use");
        assertEquals(live, stats.liveAllocations(), "live allocations");
        assertEquals(live, stats.allocations() - stats.frees(), "allocations - frees");
    }

    /**
     * A real heap exhaustion (the application fills the heap) while the live table grows: the
     * allocation fails with the OutOfMemoryError, then, with the heap free again, 40,000 calls
     * complete well within the deadline and the accounting ends exact. Before the fix, the frozen
     * shard made them spin forever.
     */
    @Test
    void aRealHeapExhaustionDuringTableGrowthLeavesTheAllocatorWorking(@TempDir Path workDir) throws Exception {
        ForkedJvm.Run run = ForkedJvm.run(workDir, List.of("-Xmx96m", "-XX:+UseSerialGC"),
                TableGrowthOomWorkload.class);
        String log = run.log();
        assertTrue(run.ended(), "the workload ended within 120 s:\n" + log);
        assertTrue(log.contains("table growth failed: java.lang.OutOfMemoryError"), log);
        assertTrue(log.contains("40000 calls done"), log);
        assertTrue(log.contains("bytes in use 0, live 0, allocations = frees true"), log);
        assertEquals(0, run.exitValue(), log);
    }
}
