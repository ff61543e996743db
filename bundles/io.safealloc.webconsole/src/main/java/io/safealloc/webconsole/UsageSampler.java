package io.safealloc.webconsole;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.safealloc.api.BundleStats;
import io.safealloc.api.MemStats;

/**
 * One tick of the chart: reads the allocator's figures and adds them to the history. Run on a
 * schedule by the page; a failing read (the allocator going away) skips the tick.
 *
 * <p>Thread-safe as far as the history is; meant to run on one scheduler thread.
 */
final class UsageSampler implements Runnable {

    private static final System.Logger LOG = System.getLogger(UsageSampler.class.getName());

    private final Supplier<MemStats> stats;
    private final UsageHistory history;

    UsageSampler(Supplier<MemStats> stats, UsageHistory history) {
        this.stats = stats;
        this.history = history;
    }

    @Override
    public void run() {
        try {
            MemStats now = stats.get();
            Map<String, Long> bundles = new LinkedHashMap<>();
            for (BundleStats bundle : now.bundles()) {
                if (bundle.bytesInUse() > 0) {
                    bundles.merge(bundle.bundleName(), bundle.bytesInUse(), Long::sum);
                }
            }
            history.add(new UsageHistory.Sample(System.currentTimeMillis(), now.bytesInUse(), now.limit(),
                    now.warnThreshold(), bundles));
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log and keep sampling.
            LOG.log(System.Logger.Level.DEBUG, "memory sample skipped", e);
        }
    }
}
