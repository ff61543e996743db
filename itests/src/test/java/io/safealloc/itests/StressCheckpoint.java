package io.safealloc.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.Holding;
import io.safealloc.api.MemStats;

/**
 * The invariants of a stress run, checked while every thread of the run is paused (and tb2 is
 * stopped): the bytes the test's threads hold by their own count are exactly what the allocator
 * accounts to the test bundle; the per-bundle figures and the holdings add up to the global figure;
 * every failure was witnessed, decided once (by a handler or the default), published once, and ended
 * in one exception or one successful retry.
 */
final class StressCheckpoint {

    private final AllocatorService allocator;
    private final FailureLedger ledger;
    private final String testBundle;
    private final long baselineBytes;
    private final long baselineTestBundleBytes;
    private final long baselineFailures;

    StressCheckpoint(AllocatorService allocator, FailureLedger ledger, String testBundle) {
        this.allocator = allocator;
        this.ledger = ledger;
        this.testBundle = testBundle;
        MemStats stats = allocator.stats();
        this.baselineBytes = stats.bytesInUse();
        this.baselineTestBundleBytes = Fixture.bytesOf(stats, testBundle);
        this.baselineFailures = failures(stats);
    }

    private static long failures(MemStats stats) {
        return stats.failures().get(Cause.LIMIT) + stats.failures().get(Cause.FAIL) + stats.failures().get(Cause.TOO_BIG);
    }

    /** @return failures (not warnings) since the run started */
    long failuresSoFar() {
        return failures(allocator.stats()) - baselineFailures;
    }

    /**
     * @param where for messages
     * @param heldByTest bytes the test's threads hold by their own count (blocks and reserves)
     */
    void verify(String where, long heldByTest) {
        if (!ledger.undocumented.isEmpty()) {
            AssertionError e = new AssertionError(where + ": undocumented exception " + ledger.undocumented.peek(),
                    ledger.undocumented.peek());
            ledger.undocumented.forEach(e::addSuppressed);
            throw e;
        }
        MemStats stats = allocator.stats();
        assertTrue(stats.bundles().stream().noneMatch(b -> b.bundleName().equals(BundleChurn.TB2)), where + ": tb2 stopped");
        assertEquals(baselineTestBundleBytes + heldByTest, Fixture.bytesOf(stats, testBundle),
                where + ": the test bundle's account equals what its threads hold");
        assertEquals(baselineBytes + heldByTest, stats.bytesInUse(), where + ": global bytes in use");
        assertEquals(stats.bytesInUse(), stats.bundles().stream().mapToLong(BundleStats::bytesInUse).sum(),
                where + ": per-bundle bytes add up to the global figure " + stats.bundles());
        List<Holding> holdings = allocator.holdings();
        assertEquals(stats.bytesInUse(), holdings.stream().mapToLong(Holding::bytes).sum(),
                where + ": holdings add up to the global figure " + holdings);
        assertEquals(stats.liveAllocations(), holdings.stream().mapToLong(Holding::count).sum(),
                where + ": live allocations equal the holdings' count");
        for (BundleStats b : stats.bundles()) {
            long held = holdings.stream().filter(h -> h.bundleName().equals(b.bundleName())).mapToLong(Holding::bytes).sum();
            assertEquals(b.bytesInUse(), held, where + ": " + b.bundleName() + "'s account equals its holdings");
        }
        verifyFailures(where);
    }

    /** Every failure: witnessed once, decided once, published once, one exception or one successful retry. */
    private void verifyFailures(String where) {
        long failures = failuresSoFar();
        // Event Admin delivers asynchronously: wait for it to catch up with the statistics.
        Fixture.await(where + ": Event Admin publishing " + failures + " failures (" + ledger + ")",
                () -> ledger.published.get() >= failures);
        String figures = where + ": " + failures + " failures; " + ledger;
        assertEquals(failures, ledger.firstWitness.get(), "every failure reached the handler chain once; " + figures);
        assertEquals(failures, ledger.published.get(), "every failure was published once; " + figures);
        assertEquals(failures, ledger.handlerRetries.get() + ledger.handlerFails.get() + ledger.lastWitness.get(),
                "every failure was decided once, by a stress handler or the default; " + figures);
        assertEquals(0, ledger.publishedOther.get(), "decisions are RETRY or FAIL only; " + figures);
        assertEquals(ledger.publishedFail.get(), ledger.exceptions.get(),
                "every acted FAIL is one MemoryAllocationException, and every exception one FAIL; " + figures);
        assertTrue(ledger.publishedRetry.get() <= ledger.handlerRetries.get(),
                "a RETRY is acted upon unless retries ran out; " + figures);
        assertEquals(ledger.publishedFail.get(), ledger.handlerFails.get() + ledger.lastWitness.get()
                + ledger.handlerRetries.get() - ledger.publishedRetry.get(),
                "FAIL acted = FAIL by a handler + by the default + RETRY beyond maxRetries; " + figures);
    }
}
