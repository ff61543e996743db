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

    /** Two keys with the same shard and home slot: the second one is placed past the first. */
    private static long[] collidingPair(LiveTable table) {
        java.util.Map<Long, Long> byHome = new java.util.HashMap<>();
        for (long key = 16; ; key += 16) {
            Long first = byHome.putIfAbsent(table.homeOf(key), key);
            if (first != null) {
                return new long[] {first, key};
            }
        }
    }

    @Test
    void aKeyRemovedAndInsertedAgainByTheSameThreadGoesBackToItsSlot() throws Exception {
        LiveTable table = new LiveTable();
        long[] pair = collidingPair(table);
        long a = pair[0];
        long b = pair[1];
        table.insert(a, 1);
        table.insert(b, 2);
        int slotOfA = table.slotOf(a);
        int slotOfB = table.slotOf(b);
        assertEquals((int) table.homeOf(b), slotOfA, "a sits in b's home slot");
        assertTrue(slotOfB != slotOfA, "b was placed past a");

        assertEquals(1, table.remove(a)); // a tombstone now sits in b's home slot
        assertEquals(2, table.remove(b));
        table.insert(b, 3);
        assertEquals(slotOfB, table.slotOf(b), "back in its own slot (the hint), not in the first tombstone");
        assertEquals(3, table.get(b));

        // Another thread has no hint for b: it takes the first tombstone from the home slot.
        assertEquals(3, table.remove(b));
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            other.submit(() -> table.insert(b, 4)).get();
        } finally {
            other.shutdown();
        }
        assertEquals(slotOfA, table.slotOf(b), "without a hint: the first tombstone from the home slot");
        assertEquals(4, table.get(b));
        assertEquals(LiveTable.NOT_FOUND, table.get(a));
    }

    @Test
    void aHintThatNoLongerFitsIsIgnored() {
        LiveTable table = new LiveTable();
        long[] pair = collidingPair(table);
        long a = pair[0];
        long b = pair[1];
        table.insert(a, 1);
        assertEquals(1, table.remove(a)); // hint: a in its home slot, now a tombstone

        // The slot is taken by another key: a goes elsewhere, and both stay findable and removable.
        table.insert(b, 2);
        assertEquals(table.slotOf(b), (int) table.homeOf(a), "b took the tombstone a left");
        table.insert(a, 3);
        assertEquals(3, table.get(a));
        assertEquals(2, table.get(b));
        assertEquals(3, table.remove(a));
        assertEquals(2, table.remove(b));

        // The shard migrated: the hinted table is old, and a lands in the new one, found by the walk.
        table.insert(a, 5);
        assertEquals(5, table.remove(a));
        for (int i = 0; i < 20_000; i++) {
            table.insert(1L << 40 | 16L * (i + 1), i);
        }
        table.insert(a, 6);
        assertEquals(6, table.get(a));
        assertEquals(6, table.remove(a));
        assertEquals(LiveTable.NOT_FOUND, table.remove(a), "exactly once");
        for (int i = 0; i < 20_000; i++) {
            assertEquals(i, table.remove(1L << 40 | 16L * (i + 1)));
        }
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
