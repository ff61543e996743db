package io.safealloc.itests;

import java.util.function.Predicate;

import org.osgi.framework.Bundle;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;

/**
 * The bundle thread of the stress run: starts the allocating test bundle tb2, lets it work until
 * it has made a few calls, and stops it (the allocator then releases what it still holds), again
 * and again for as long as the round runs. Every other stop is sloppy (tb2 decides: its deactivate
 * does not wait for its worker, whose in-flight call races the release); either way the next start,
 * and the checkpoint, wait until tb2's worker has ended by itself and reported so. tb2 is always
 * stopped, and its worker ended, at a checkpoint.
 *
 * <p>Confined to its thread.
 */
final class BundleChurn {

    static final String TB2 = "io.safealloc.itests.tb2";
    private static final long CALLS_PER_CYCLE = 50;

    private final Bundle tb2;
    private final AllocatorService allocator;
    private final FailureLedger ledger;
    long cycles;

    BundleChurn(Bundle tb2, AllocatorService allocator, FailureLedger ledger) {
        this.tb2 = tb2;
        this.allocator = allocator;
        this.ledger = ledger;
    }

    void run(StressRounds rounds) throws Exception {
        try {
            do {
                do {
                    cycle();
                } while (rounds.roundRunning());
            } while (rounds.checkpoint());
        } finally {
            tb2.stop();
        }
    }

    private void cycle() throws Exception {
        long workersDone = ledger.tb2WorkersDone();
        tb2.start();
        // Its account shows its calls: allocations made, and failures decided.
        Fixture.await("tb2 making " + CALLS_PER_CYCLE + " calls", () -> callsOf(allocator) >= CALLS_PER_CYCLE);
        // Synchronous: tb2's deactivate returns (after its worker ended, or at once when sloppy), then
        // its allocator view is released, whatever the worker still has in flight.
        tb2.stop();
        assertAccountClosed("tb2 stopped");
        // A sloppy worker ends by itself at its next call (or at the closed view): a worker still
        // running at the next start or at a checkpoint would move figures the checkpoint proves.
        Fixture.await("tb2's worker ending by itself after its bundle stopped (" + ledger + ")",
                () -> ledger.tb2WorkersDone() > workersDone);
        if (ledger.tb2WorkersDone() != workersDone + 1) {
            throw new AssertionError("one tb2 worker per start, but " + (ledger.tb2WorkersDone() - workersDone)
                    + " reported their end in this cycle");
        }
        // Its late call may not have reopened what the release closed.
        assertAccountClosed("tb2's worker ended");
        cycles++;
    }

    private void assertAccountClosed(String when) {
        if (allocator.stats().bundles().stream().anyMatch(named(TB2))) {
            throw new AssertionError(when + " but its account is still open: " + allocator.stats().bundles());
        }
    }

    private static long callsOf(AllocatorService allocator) {
        return allocator.stats().bundles().stream().filter(named(TB2))
                .mapToLong(b -> b.allocations() + b.failures().get(Cause.LIMIT) + b.failures().get(Cause.FAIL))
                .sum();
    }

    private static Predicate<BundleStats> named(String name) {
        return b -> b.bundleName().equals(name);
    }
}
