package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12, item 1, on the table alone: a migration that cannot get memory leaves its shard usable
 * (no slot stays frozen, nobody waits for a table that never comes) and loses no key; a thread whose
 * slot hint cannot be made works without one.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a spinning shard is not interruptible
class LiveTableOomTest {

    private static long key(int thread, int i) {
        return ((long) (thread + 1) << 40) + 16L * (i + 1);
    }

    @ParameterizedTest
    @EnumSource(FailingSlotArrays.Step.class)
    void aMigrationThatRunsOutOfMemoryLeavesEveryShardUsableAndLosesNoKey(FailingSlotArrays.Step step)
            throws Exception {
        FailingSlotArrays arrays = new FailingSlotArrays(step);
        LiveTable table = new LiveTable(arrays);
        List<Long> inserted = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (i == 5_000) {
                arrays.arm(5); // five migrations in a row fail, in whichever shards fill up next
            }
            long k = key(0, i);
            try {
                table.insert(k, i);
                inserted.add(k);
            } catch (OutOfMemoryError expected) {
                refused.add(k);
            }
        }
        assertEquals(5, arrays.thrown(), "the armed migrations failed");
        assertEquals(5, refused.size(), "each failure reached the insert that needed the room");

        // Every shard takes inserts and removes again, from several threads: before the fix, the
        // shards whose migration failed stayed frozen and these calls spun forever.
        // Daemon threads: if a shard hangs, the test fails at its deadline and the spinning threads
        // do not keep the test JVM alive.
        ExecutorService pool = Executors.newFixedThreadPool(3, Thread.ofPlatform().daemon().factory());
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 1; t <= 3; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 30_000; i++) {
                        table.insert(key(thread, i), i);
                        if (i % 2 == 1) {
                            assertEquals(i - 1, table.remove(key(thread, i - 1)));
                        }
                    }
                }));
            }
            for (Future<?> f : work) {
                f.get(30, TimeUnit.SECONDS); // a TimeoutException here is the hang
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < inserted.size(); i++) {
            long k = inserted.get(i);
            assertTrue(table.get(k) != LiveTable.NOT_FOUND, "key " + k + " is still found");
        }
        for (long k : refused) {
            assertEquals(LiveTable.NOT_FOUND, table.get(k), "a refused insert left nothing behind");
        }
        for (long k : inserted) {
            assertTrue(table.remove(k) != LiveTable.NOT_FOUND);
        }
    }

    @Test
    void aThreadWhoseSlotHintFindsNoHeapStillInsertsAndRemoves() {
        int[] refused = {0};
        LiveTable table = new LiveTable(long[]::new, () -> {
            refused[0]++;
            throw new OutOfMemoryError("test: no heap for a slot hint");
        });
        try {
            for (int i = 0; i < 1_000; i++) {
                assertNull(table.tryInsert(key(0, i), i), "entered without a hint");
            }
            for (int i = 0; i < 1_000; i++) {
                assertEquals(i, table.remove(key(0, i)), "found and removed without a hint");
            }
        } catch (OutOfMemoryError notCaught) { // JUnit would rethrow it and end the test JVM
            fail("a hint that could not be made failed the call", notCaught);
        }
        assertEquals(LiveTable.NOT_FOUND, table.get(key(0, 0)));
        assertTrue(refused[0] >= 2000, "every call asked for a hint and went on without one: " + refused[0]);
    }
}
