package io.safealloc.itests;

import java.util.function.Predicate;

import org.osgi.framework.Bundle;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;

/**
 * The bundle thread of the stress run: starts the allocating test bundle tb2, lets it work until
 * it has made a few calls, and stops it (the allocator then releases what it still holds), again
 * and again for as long as the round runs. tb2 is always stopped at a checkpoint.
 *
 * <p>Confined to its thread.
 */
final class BundleChurn {

    static final String TB2 = "io.safealloc.itests.tb2";
    private static final long CALLS_PER_CYCLE = 50;

    private final Bundle tb2;
    private final AllocatorService allocator;
    long cycles;

    BundleChurn(Bundle tb2, AllocatorService allocator) {
        this.tb2 = tb2;
        this.allocator = allocator;
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
        tb2.start();
        // Its account shows its calls: allocations made, and failures decided.
        Fixture.await("tb2 making " + CALLS_PER_CYCLE + " calls", () -> callsOf(allocator) >= CALLS_PER_CYCLE);
        tb2.stop(); // synchronous: tb2's worker stops, then its allocator view is released
        if (allocator.stats().bundles().stream().anyMatch(named(TB2))) {
            throw new AssertionError("tb2 stopped but its account is still open: " + allocator.stats().bundles());
        }
        cycles++;
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
