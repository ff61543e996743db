package io.safealloc.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemStats;
import io.safealloc.api.MemoryEvents;

import static io.safealloc.api.ObservationConstants.*;

/**
 * SafeAlloc's figures as Micrometer meters (names in {@link io.safealloc.api.ObservationConstants}):
 * <ul>
 *   <li>gauges, global: bytes in use, peak, limit, warning threshold (base unit bytes), live
 *       allocations;</li>
 *   <li>gauges per bundle account, tag {@value io.safealloc.api.ObservationConstants#METER_TAG_BUNDLE}:
 *       bytes in use, peak, quota; added and removed by {@link #refreshBundles()} as accounts come and
 *       go (a stopped bundle's series ends rather than reading 0 for ever);</li>
 *   <li>function counters read from the allocator's own monotonic counters (so they never go back,
 *       whoever restarts): allocations, frees, failures by cause (tag
 *       {@value io.safealloc.api.ObservationConstants#METER_TAG_CAUSE});</li>
 *   <li>counters of the handlers' decisions by cause and decision, fed by {@link #onEvent} with the
 *       allocator's Event Admin events (counted from the moment the binder exists).</li>
 * </ul>
 * Every gauge reads a fresh {@link AllocatorService#stats()} when the registry asks (at a scrape).
 * The binder may be bound to several registries; {@link #unbindFrom} removes what it added.
 *
 * <p>Thread-safe: registries are kept in a copy-on-write list; bundle gauges are tracked per
 * registry under the binder's lock.
 */
public final class SafeAllocMeterBinder implements MeterBinder {

    private final AllocatorService allocator;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** Per registry: the meters it got from this binder, global and per bundle. */
    private final Map<MeterRegistry, Map<String, List<Meter>>> bundleMeters = new HashMap<>();
    private final Map<MeterRegistry, List<Meter>> globalMeters = new HashMap<>();

    public SafeAllocMeterBinder(AllocatorService allocator) {
        this.allocator = allocator;
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        List<Meter> meters = new CopyOnWriteArrayList<>();
        meters.add(bytes(registry, METER_USED, "bytes in use across all bundles", MemStats::bytesInUse));
        meters.add(bytes(registry, METER_PEAK, "highest bytes in use across all bundles", MemStats::peak));
        meters.add(bytes(registry, METER_LIMIT, "global limit, 0 for none", MemStats::limit));
        meters.add(bytes(registry, METER_WARN_THRESHOLD, "where a WARNING is raised, 0 without a limit",
                MemStats::warnThreshold));
        meters.add(Gauge.builder(METER_LIVE, allocator, a -> a.stats().liveAllocations())
                .description("allocations live now").strongReference(true).register(registry));
        meters.add(counter(registry, METER_ALLOCATIONS, "successful allocations", s -> s.allocations()));
        meters.add(counter(registry, METER_FREES, "successful frees", s -> s.frees()));
        for (Cause cause : Cause.values()) {
            meters.add(FunctionCounter.builder(METER_FAILURES, allocator, a -> a.stats().failures().getOrDefault(cause, 0L))
                    .tag(METER_TAG_CAUSE, cause.name()).description("allocation calls that raised this cause")
                    .register(registry));
        }
        globalMeters.put(registry, meters);
        bundleMeters.put(registry, new HashMap<>());
        registries.add(registry);
        refreshBundles(registry);
    }

    /** Removes every meter this binder added to {@code registry}. */
    public synchronized void unbindFrom(MeterRegistry registry) {
        registries.remove(registry);
        List<Meter> global = globalMeters.remove(registry);
        if (global != null) {
            global.forEach(registry::remove);
        }
        Map<String, List<Meter>> perBundle = bundleMeters.remove(registry);
        if (perBundle != null) {
            perBundle.values().forEach(meters -> meters.forEach(registry::remove));
        }
    }

    /** Adds gauges for new bundle accounts and removes those of accounts gone, in every bound registry. */
    public synchronized void refreshBundles() {
        for (MeterRegistry registry : registries) {
            refreshBundles(registry);
        }
    }

    private void refreshBundles(MeterRegistry registry) {
        Set<String> current = new TreeSet<>();
        for (BundleStats bundle : allocator.stats().bundles()) {
            current.add(bundle.bundleName());
        }
        Map<String, List<Meter>> known = bundleMeters.get(registry);
        known.keySet().removeIf(name -> {
            if (current.contains(name)) {
                return false;
            }
            known.get(name).forEach(registry::remove);
            return true;
        });
        for (String name : current) {
            known.computeIfAbsent(name, n -> List.of(
                    bundleBytes(registry, METER_BUNDLE_USED, n, "bytes the bundle holds", BundleStats::bytesInUse),
                    bundleBytes(registry, METER_BUNDLE_PEAK, n, "the bundle's peak", BundleStats::peak),
                    bundleBytes(registry, METER_BUNDLE_LIMIT, n, "the bundle's quota, 0 for none", BundleStats::limit)));
        }
    }

    /**
     * Counts a decision from a SafeAlloc event: a topic {@code io/safealloc/Memory/<CAUSE>} with a
     * {@link MemoryEvents#DECISION}; other topics (leak, abort, degraded) are ignored.
     */
    public void onEvent(String topic, Map<String, ?> properties) {
        if (!topic.startsWith(MemoryEvents.TOPIC_PREFIX)) {
            return;
        }
        String cause = topic.substring(MemoryEvents.TOPIC_PREFIX.length());
        Object decision = properties.get(MemoryEvents.DECISION);
        if (decision == null || !isCause(cause)) {
            return;
        }
        for (MeterRegistry registry : registries) {
            Counter counter = Counter.builder(METER_DECISIONS).tag(METER_TAG_CAUSE, cause)
                    .tag(METER_TAG_DECISION, decision.toString()).description("decisions of the memory handlers")
                    .register(registry);
            counter.increment();
            synchronized (this) {
                List<Meter> global = globalMeters.get(registry);
                if (global != null && !global.contains(counter)) {
                    global.add(counter);
                }
            }
        }
    }

    private static boolean isCause(String name) {
        for (Cause cause : Cause.values()) {
            if (cause.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private Gauge bytes(MeterRegistry registry, String name, String description, ToLongFunction<MemStats> figure) {
        return Gauge.builder(name, allocator, a -> figure.applyAsLong(a.stats())).baseUnit(BaseUnits.BYTES)
                .description(description).strongReference(true).register(registry);
    }

    private FunctionCounter counter(MeterRegistry registry, String name, String description,
            ToDoubleFunction<MemStats> figure) {
        return FunctionCounter.builder(name, allocator, a -> figure.applyAsDouble(a.stats())).description(description)
                .register(registry);
    }

    private Gauge bundleBytes(MeterRegistry registry, String name, String bundle, String description,
            ToLongFunction<BundleStats> figure) {
        return Gauge.builder(name, allocator, a -> {
            long sum = 0;
            for (BundleStats stats : a.stats().bundles()) {
                if (stats.bundleName().equals(bundle)) {
                    sum += figure.applyAsLong(stats);
                }
            }
            return sum;
        }).tag(METER_TAG_BUNDLE, bundle).baseUnit(BaseUnits.BYTES).description(description).strongReference(true)
                .register(registry);
    }
}
