package io.safealloc.webconsole;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The last minutes of memory use, one {@link Sample} per sampling tick, oldest first, at most
 * {@code capacity} samples (the oldest is dropped when a new one comes). What the page's chart
 * draws: the browser may come and go, the history stays with the gateway.
 *
 * <p>Thread-safe: the sampler adds while requests read.
 */
final class UsageHistory {

    /**
     * One tick.
     *
     * @param timeMillis wall-clock time of the sample
     * @param inUse bytes in use across all bundles
     * @param limit the global limit, 0 for none
     * @param warnThreshold usage at which the allocator warns, 0 for none
     * @param bundles bytes in use per bundle name (only bundles that hold memory)
     */
    record Sample(long timeMillis, long inUse, long limit, long warnThreshold, Map<String, Long> bundles) {
        Sample {
            bundles = Map.copyOf(bundles);
        }
    }

    private final int capacity;
    private final ArrayDeque<Sample> samples;

    /** @param capacity how many samples are kept, at least 1 */
    UsageHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.samples = new ArrayDeque<>(capacity);
    }

    int capacity() {
        return capacity;
    }

    synchronized void add(Sample sample) {
        if (samples.size() == capacity) {
            samples.removeFirst();
        }
        samples.addLast(sample);
    }

    /** @return at most the newest {@code count} samples, oldest first */
    synchronized List<Sample> newest(int count) {
        List<Sample> result = new ArrayList<>(Math.min(count, samples.size()));
        int skip = Math.max(0, samples.size() - count);
        Iterator<Sample> it = samples.iterator();
        for (int i = 0; it.hasNext(); i++) {
            Sample s = it.next();
            if (i >= skip) {
                result.add(s);
            }
        }
        return result;
    }
}
