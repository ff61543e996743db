package io.safealloc.allocator.core;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.safealloc.api.MemStats;
import io.safealloc.api.Recovery;

/**
 * Run by {@link TableGrowthOomTest} in a JVM of its own with a small heap: many live blocks, the
 * heap filled by the application until a live-table growth hits a real {@link OutOfMemoryError},
 * the heap freed, then 40,000 calls on two threads within a deadline, and everything freed.
 * Exit status 0 when all of that held; what happened goes to standard output.
 */
final class TableGrowthOomWorkload {

    private static final int LIVE = 1_000_000;

    /** The application's heap (a static field: a local would be dead, and collected, before the last use). */
    private static List<long[]> filler;

    private TableGrowthOomWorkload() {
    }

    public static void main(String[] args) throws Exception {
        SafeAllocator allocator = SafeAllocator.builder().silent()
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL).withSafety(Safety.FAST))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
        OwnerView view = allocator.unowned();
        long[] addresses = new long[LIVE + LIVE / 2];
        int live = 0;
        while (live < LIVE) {
            addresses[live++] = view.rAlloc(1).address();
        }
        System.out.println(live + " live blocks");

        // Fill the heap (a shard grows when 75 % full, to 55 %: some shard grows within the next
        // 36 % of inserts), then leave a little room: enough for the small objects of a call, far
        // from enough for a shard's new table.
        filler = new ArrayList<>(1 << 20);
        for (int chunk = 8 * 1024; chunk >= 16; chunk /= 8) {
            try {
                for (;;) {
                    filler.add(new long[chunk]);
                }
            } catch (OutOfMemoryError full) {
                // go on with smaller chunks, to leave no gap
            }
        }
        for (long room = 0; room < 128 * 1024 && !filler.isEmpty();) {
            room += 8L * filler.remove(filler.size() - 1).length;
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println("heap filled: " + filler.size() + " chunks, free " + rt.freeMemory() + " of " + rt.totalMemory()
                + ", table " + allocator.trackingBytes() + " bytes");
        Throwable growthFailure = null;
        while (growthFailure == null && live < addresses.length) {
            try {
                addresses[live] = view.rAlloc(1).address();
                live++;
            } catch (OutOfMemoryError e) {
                growthFailure = e;
            }
        }
        filler = null; // the heap is free again
        System.out.println("table growth failed: " + growthFailure + " after " + live + " live blocks");
        if (growthFailure == null) {
            System.exit(2);
        }

        CountDownLatch done = new CountDownLatch(2);
        int[] calls = new int[2];
        for (int t = 0; t < 2; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                List<MemorySegment> mine = new ArrayList<>();
                for (int i = 0; i < 20_000; i++) {
                    if (i % 2 == 0) {
                        mine.add(view.rAlloc(16));
                    } else {
                        view.rFree(mine.remove(mine.size() - 1));
                    }
                    calls[thread]++;
                }
                done.countDown();
            });
            worker.setDaemon(true);
            worker.start();
        }
        if (!done.await(30, TimeUnit.SECONDS)) {
            System.out.println("hung: " + (calls[0] + calls[1]) + " of 40000 calls done in 30 s");
            System.exit(3);
        }
        System.out.println((calls[0] + calls[1]) + " calls done");
        for (int i = 0; i < live; i++) {
            view.rFree(MemorySegment.ofAddress(addresses[i]));
        }
        MemStats stats = allocator.stats();
        System.out.println("bytes in use " + stats.bytesInUse() + ", live " + stats.liveAllocations()
                + ", allocations = frees " + (stats.allocations() == stats.frees()));
        System.exit(stats.bytesInUse() == 0 && stats.liveAllocations() == 0 ? 0 : 4);
    }
}
