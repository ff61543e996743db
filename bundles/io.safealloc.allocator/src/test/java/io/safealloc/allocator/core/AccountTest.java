package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemStats;

/**
 * {@link Account}: an owner's totals summed over the per-thread {@link AccountLedger}s stay exact
 * when several threads allocate for it, when another thread frees its memory, and when the thread
 * that allocated has ended.
 */
@Timeout(120)
class AccountTest extends LedgerFixture {

    // ---- 6. two threads, one owner ---------------------------------------------------------------

    record Work(List<MemorySegment> held, long allocations, long frees) {
    }

    @Test
    void twoThreadsAllocatingForOneOwnerLeaveExactTotals() throws Exception {
        OwnerView view = open("shared");
        int n = 2;
        CyclicBarrier start = new CyclicBarrier(n);
        List<Future<Work>> futures = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int seed = 100 + t;
            futures.add(worker("w" + t).submit(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                List<MemorySegment> held = new ArrayList<>();
                long allocations = 0;
                long frees = 0;
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    if (held.isEmpty() || random.nextInt(3) > 0 && held.size() < 64) {
                        held.add(view.rAlloc(random.nextLong(1, 512)));
                        allocations++;
                    } else {
                        view.rFree(held.remove(random.nextInt(held.size())));
                        frees++;
                    }
                }
                held.add(view.rAlloc(random.nextLong(1, 512))); // something is held at the end
                allocations++;
                return new Work(held, allocations, frees);
            }));
        }
        List<Work> results = new ArrayList<>();
        for (Future<Work> f : futures) {
            results.add(Worker.await(f));
        }
        long allocations = results.stream().mapToLong(Work::allocations).sum();
        long frees = results.stream().mapToLong(Work::frees).sum();
        List<MemorySegment> held = results.stream().flatMap(w -> w.held().stream()).toList();
        assertTrue(held.size() >= n);
        assertTotals("shared", allocations, frees, sum(held), held.size());

        for (Worker w : workers) {
            w.stop();
        }
        assertTotals("shared", allocations, frees, sum(held), held.size()); // ended, not folded yet
        allocator.setQuota("shared", 1);
        refused(Budget.BUNDLE, () -> view.rAlloc(2)); // a quota refusal folds the ended threads' ledgers
        allocator.setQuota("shared", 0);
        assertTotals("shared", allocations, frees, sum(held), held.size());

        held.forEach(view::rFree); // by a third thread
        assertTotals("shared", allocations, frees + held.size(), 0, 0);
        assertEquals(1, figuresOf("shared").failures().get(Cause.LIMIT), "the one refusal");
    }

    private void assertTotals(String owner, long allocations, long frees, long bytes, long live) {
        BundleStats figures = figuresOf(owner);
        assertEquals(allocations, figures.allocations(), owner + " allocations");
        assertEquals(frees, figures.frees(), owner + " frees");
        assertEquals(bytes, figures.bytesInUse(), owner + " bytes in use");
        assertEquals(live, figures.liveAllocations(), owner + " live allocations");
        MemStats stats = allocator.stats(); // this owner is the only one that allocated
        assertEquals(allocations, stats.allocations(), "global allocations");
        assertEquals(frees, stats.frees(), "global frees");
        assertEquals(bytes, stats.bytesInUse(), "global bytes in use");
        assertEquals(live, stats.liveAllocations(), "global live allocations");
    }

    // ---- 7. a free on another thread ---------------------------------------------------------------

    @Test
    void aFreeOnAnotherThreadKeepsTheOwnersTotalsExact() throws Exception {
        long quota = 10_000;
        long keep = Reserve.keepFor(quota);
        allocator.setQuota("cross", quota);
        OwnerView view = open("cross");
        Account account = accountOf(view);
        Ledgers ledgers = ledgersOf(allocator);
        Worker allocating = worker("allocating");
        List<MemorySegment> segments = allocating.call(() -> List.of(view.rAlloc(1000), view.rAlloc(2000), view.rAlloc(3000)));
        assertTotals("cross", 3, 0, 6000, 3);

        view.rFree(segments.get(0)); // this thread frees what the worker allocated
        view.rFree(segments.get(1));
        assertTotals("cross", 3, 2, 3000, 1);
        assertEquals(-3000, ledgers.of(account).bytes(), "this thread's ledger went negative");
        assertEquals(6000, (long) allocating.call(() -> ledgers.of(account).bytes()), "the worker's ledger");

        allocating.run(() -> view.rFree(segments.get(2)));
        assertTotals("cross", 3, 3, 0, 0);
        assertEquals(2 * keep, account.budget.granted(), "each thread kept its quota reserve");

        // The quota stays exact: this thread gets all of it, the idle worker's reserve taken back
        // before a refusal (issue 12, item 5).
        MemorySegment most = view.rAlloc(quota - keep);
        MemorySegment rest = view.rAlloc(keep);
        refused(Budget.BUNDLE, () -> view.rAlloc(1));
        view.rFree(rest);
        // And the worker frees what this thread allocated.
        allocating.run(() -> view.rFree(most));
        assertTotals("cross", 5, 5, 0, 0);
        assertEquals(-3000 + (quota - keep), ledgers.of(account).bytes(), "this thread's ledger");
        assertEquals(3000 - (quota - keep), (long) allocating.call(() -> ledgers.of(account).bytes()),
                "the worker's ledger, negative now: only the sum means anything");
        allocating.stop();
        assertTotals("cross", 5, 5, 0, 0);
        MemorySegment all = view.rAlloc(quota); // folds the ended worker's ledger: its reserve and figures
        assertTotals("cross", 6, 5, quota, 1);
        view.rFree(all);
        assertTotals("cross", 6, 6, 0, 0);
    }

    @Test
    void memoryOfAnEndedThreadFreedByAnotherBalancesToZero() throws Exception {
        OwnerView view = open("orphans");
        List<MemorySegment> orphans = new ArrayList<>();
        Thread allocating = Thread.ofPlatform().start(() -> {
            for (int i = 1; i <= 10; i++) {
                orphans.add(view.rAlloc(i * 100L));
            }
        });
        allocating.join(); // its writes to `orphans` are visible after the join
        assertTotals("orphans", 10, 0, 5500, 10);
        orphans.forEach(view::rFree);
        assertTotals("orphans", 10, 10, 0, 0);
        allocator.setQuota("orphans", 1);
        refused(Budget.BUNDLE, () -> view.rAlloc(2)); // folds the ended thread's +5500 ledger
        assertTotals("orphans", 10, 10, 0, 0);
    }
}
