package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lock-free table on its own: growth under concurrent inserts and removes loses nothing. */
@Timeout(60)
class LiveTableTest {

    private static long key(int thread, int i) {
        return ((long) thread << 40) + 16L * (i + 1);
    }

    /** Every thread removes the key it inserted two steps earlier when {@code i % 3 == 2}. */
    private static boolean removedDuringChurn(int i, int perThread) {
        return i % 3 == 0 && i + 2 < perThread;
    }

    @Test
    void concurrentInsertsAndRemovesAcrossMigrationsAreExact() throws Exception {
        LiveTable table = new LiveTable();
        int threads = 4;
        int perThread = 200_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Future<?>[] work = new Future<?>[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            work[t] = pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    table.insert(key(thread, i), i);
                    if (i % 3 == 2) { // churn leaves tombstones behind while the shards grow
                        assertEquals(i - 2, table.remove(key(thread, i - 2)));
                    }
                }
            });
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        AtomicLong live = new AtomicLong();
        table.forEach((address, value) -> live.incrementAndGet());
        long expectedLive = 0;
        for (int i = 0; i < perThread; i++) {
            expectedLive += removedDuringChurn(i, perThread) ? 0 : 1;
        }
        assertEquals(threads * expectedLive, live.get());
        assertTrue(table.capacity() >= live.get(), "grew to hold them");
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                long expected = removedDuringChurn(i, perThread) ? LiveTable.NOT_FOUND : i;
                assertEquals(expected, table.remove(key(t, i)), "key " + t + "/" + i);
            }
        }
        AtomicLong left = new AtomicLong();
        table.forEach((address, value) -> left.incrementAndGet());
        assertEquals(0, left.get());
    }

    @Test
    void removeIfTakesOnlyMatchingEntries() {
        LiveTable table = new LiveTable();
        for (int i = 0; i < 10_000; i++) {
            table.insert(16L * (i + 1), i % 2);
        }
        AtomicLong removed = new AtomicLong();
        table.removeIf(v -> v == 1, (address, value) -> removed.incrementAndGet());
        assertEquals(5_000, removed.get());
        assertEquals(0, table.get(16));
        assertEquals(LiveTable.NOT_FOUND, table.get(32));
    }
}
