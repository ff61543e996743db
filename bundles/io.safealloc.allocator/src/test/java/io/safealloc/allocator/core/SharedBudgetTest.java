package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SharedBudget}: grants within the limit, refusals that grant nothing, forced grants and the
 * peak, racing grants.
 */
@Timeout(120)
class SharedBudgetTest {

    @Test
    void aBudgetGrantsWithinItsLimitAndARefusalGrantsNothing() {
        SharedBudget budget = new SharedBudget();
        long limit = 1000;
        assertEquals(400, budget.grant(400, limit));
        assertEquals(1000, budget.grant(600, limit), "up to the limit exactly");
        assertEquals(SharedBudget.REFUSED, budget.grant(1, limit), "one byte over");
        assertEquals(1000, budget.granted(), "a refusal leaves the grant unchanged");
        budget.giveBack(300);
        assertEquals(700, budget.granted());
        assertEquals(SharedBudget.REFUSED, budget.grant(301, limit));
        assertEquals(700, budget.granted());
        assertEquals(1000, budget.grant(300, limit));
        assertEquals(1000 + 5000, budget.grant(5000, 0), "limit 0 means none");
        assertEquals(0, budget.peak(), "a grant alone does not raise the peak: the caller does, once every budget granted");
        budget.raisePeak(6000);
        assertEquals(6000, budget.peak());
    }

    @Test
    void forceIgnoresTheLimitAndThePeakIsTheHighestGrant() {
        SharedBudget budget = new SharedBudget();
        assertEquals(0, budget.peak());
        budget.raisePeak(budget.grant(800, 1000));
        budget.giveBack(500);
        assertEquals(300, budget.granted());
        assertEquals(800, budget.peak(), "a give-back does not lower the peak");
        assertEquals(300 + 2000, budget.force(2000), "memory that exists already is never refused");
        budget.raisePeak(2300);
        assertEquals(2300, budget.peak());
        assertEquals(SharedBudget.REFUSED, budget.grant(1, 1000), "over the limit: grants refused");
        budget.giveBack(2300);
        assertEquals(0, budget.granted());
        assertEquals(2300, budget.peak());
        budget.raisePeak(budget.grant(100, 1000));
        assertEquals(2300, budget.peak(), "the peak only rises");
    }

    @Test
    void racingGrantsNeverOvershootTheLimit() throws Exception {
        SharedBudget budget = new SharedBudget();
        int threads = 8;
        long limit = 50_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicLong granted = new AtomicLong();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                long after;
                while ((after = budget.grant(3, limit)) != SharedBudget.REFUSED) {
                    budget.raisePeak(after);
                    granted.addAndGet(3);
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        assertEquals(limit / 3 * 3, granted.get(), "every grant that fits, and not one more");
        assertEquals(granted.get(), budget.granted());
        assertEquals(granted.get(), budget.peak());
    }
}
