package io.safealloc.itests;

import java.time.Duration;

import org.osgi.framework.BundleContext;

/**
 * How big a {@link StressTest} run is, from framework properties (bnd/itests.bndrun, fed by
 * {@code -Dsafealloc.stress.ops=N} on the Maven command line).
 *
 * @param ops allocating operations of the two allocating threads together
 * @param rounds how many quiescent checkpoints divide the run
 * @param seed the seed of every random choice (each thread derives its own from it)
 * @param bound how long the whole run may take before it counts as hung
 * @param report a file the summary is written to, or null
 */
record StressSettings(long ops, int rounds, long seed, Duration bound, String report) {

    static final int ALLOCATING_THREADS = 2;

    static StressSettings from(BundleContext context) {
        long ops = parse(context.getProperty("safealloc.stress.ops"), 1_000_000);
        long seed = parse(context.getProperty("safealloc.stress.seed"), System.nanoTime());
        // A checkpoint every 20 000 operations or so, at least 5 and at most 500 of them.
        int rounds = (int) Math.max(5, Math.min(500, ops / 20_000));
        // Generous: measured here at about 5 µs per operation; a hang shows as minutes over this.
        Duration bound = Duration.ofSeconds(120).plusNanos(ops * 50_000);
        return new StressSettings(ops, rounds, seed, bound, context.getProperty("safealloc.stress.report"));
    }

    /** @return operations per allocating thread per round */
    long opsPerThreadPerRound() {
        return Math.max(1, ops / ALLOCATING_THREADS / rounds);
    }

    private static long parse(String value, long otherwise) {
        return value == null || value.isBlank() || value.startsWith("$") ? otherwise : Long.parseLong(value.trim());
    }
}
