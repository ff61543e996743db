package io.safealloc.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.AllocatorObserver;
import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemStats;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;

/**
 * The binder against a real allocator (libc memory) and Micrometer's Prometheus registry: after a
 * churn by two "bundles", the scraped text carries the documented names and tags, with the values of
 * {@code stats()}; counters never go back; a stopped bundle's series ends; unbinding removes all.
 *
 * <p>Plain Java rather than OSGi: micrometer-core 1.17 is a bundle, but micrometer-registry-prometheus
 * and the prometheus-metrics jars it needs are not, and what is under test here is the binder's
 * mapping. The service wiring (a {@code MeterRegistry} service in Felix) is itests' MetricsTest.
 */
class PrometheusScrapeTest {

    private static final long LIMIT = 1 << 20;

    private final SafeAllocator allocator = SafeAllocator.builder()
            .config(AllocatorConfig.DEFAULTS.withLimit(LIMIT).withDefaultRecovery(Recovery.FAIL))
            .abortAction((event, code) -> {
                throw new AssertionError("no abort expected: " + event);
            })
            .silent()
            .build();
    private final OwnerView sensor = allocator.open(new Owner(11, "com.acme.sensor"));
    private final OwnerView cache = allocator.open(new Owner(12, "com.acme.cache"));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SafeAllocMeterBinder binder = new SafeAllocMeterBinder(sensor);

    @AfterEach
    void close() {
        sensor.close(); // frees what is left: the next test's libc is not ours to fill
        cache.close();
    }

    @Test
    void scrapedValuesAreTheAllocatorsFiguresAndCountersOnlyGrow() {
        allocator.addObserver(new AllocatorObserver() {
            @Override
            public void decided(MemEvent event, Recovery decision) {
                Map<String, Object> properties = MemoryEvents.figures(event);
                properties.put(MemoryEvents.DECISION, decision.name());
                binder.onEvent(MemoryEvents.topic(event.cause()), properties);
            }
        });
        binder.bindTo(registry);

        Map<String, Double> before = scrape();
        churn(new Random(15), 2_000);
        binder.refreshBundles();
        MemStats stats = sensor.stats();
        Map<String, Double> after = scrape();

        assertEquals(stats.bytesInUse(), after.get("safealloc_memory_used_bytes"));
        assertEquals(stats.peak(), after.get("safealloc_memory_peak_bytes"));
        assertEquals(LIMIT, after.get("safealloc_memory_limit_bytes"));
        assertEquals(stats.warnThreshold(), after.get("safealloc_memory_warn_threshold_bytes"));
        assertEquals(stats.liveAllocations(), after.get("safealloc_allocations_live"));
        assertEquals(stats.allocations(), after.get("safealloc_allocations_total"));
        assertEquals(stats.frees(), after.get("safealloc_frees_total"));
        for (Cause cause : Cause.values()) {
            assertEquals(stats.failures().get(cause).doubleValue(), after.get("safealloc_failures_total{cause=\"" + cause + "\"}"), cause::name);
        }
        assertTrue(stats.failures().get(Cause.LIMIT) > 0, "the churn ran into the limit");
        assertEquals(stats.failures().get(Cause.LIMIT).doubleValue(),
                after.get("safealloc_decisions_total{cause=\"LIMIT\",decision=\"FAIL\"}"));
        for (BundleStats bundle : stats.bundles()) {
            String tag = "{bundle=\"" + bundle.bundleName() + "\"}";
            assertEquals(bundle.bytesInUse(), after.get("safealloc_bundle_memory_used_bytes" + tag), tag);
            assertEquals(bundle.peak(), after.get("safealloc_bundle_memory_peak_bytes" + tag), tag);
            assertEquals(bundle.limit(), after.get("safealloc_bundle_memory_limit_bytes" + tag), tag);
        }
        assertTrue(after.get("safealloc_bundle_memory_used_bytes{bundle=\"com.acme.cache\"}") > 0);

        for (String counter : List.of("safealloc_allocations_total", "safealloc_frees_total",
                "safealloc_failures_total{cause=\"LIMIT\"}")) {
            assertTrue(after.get(counter) > before.getOrDefault(counter, 0.0), counter + " grew");
        }
        // The cache bundle stops: its memory is released, but the counters stay where they were.
        cache.close();
        binder.refreshBundles();
        Map<String, Double> afterStop = scrape();
        assertFalse(afterStop.containsKey("safealloc_bundle_memory_used_bytes{bundle=\"com.acme.cache\"}"),
                "a stopped bundle's series ends");
        for (Map.Entry<String, Double> entry : after.entrySet()) {
            if (entry.getKey().contains("_total")) {
                assertTrue(afterStop.get(entry.getKey()) >= entry.getValue(), entry.getKey() + " never goes back");
            }
        }

        binder.unbindFrom(registry);
        assertTrue(registry.getMeters().isEmpty(), () -> "left behind: " + registry.getMeters());
    }

    /** Random allocations and frees by both owners, some refused at the limit. */
    private void churn(Random random, int steps) {
        List<MemorySegment> sensorHeld = new ArrayList<>();
        List<MemorySegment> cacheHeld = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            boolean bySensor = random.nextBoolean();
            OwnerView owner = bySensor ? sensor : cache;
            List<MemorySegment> held = bySensor ? sensorHeld : cacheHeld;
            if (!held.isEmpty() && random.nextInt(3) == 0) {
                owner.rFree(held.remove(random.nextInt(held.size())));
            } else {
                try {
                    held.add(owner.rAlloc(1 + random.nextInt(64 << 10)));
                } catch (MemoryAllocationException refused) {
                    if (!held.isEmpty()) {
                        owner.rFree(held.remove(held.size() - 1)); // make room for the next round
                    }
                }
            }
        }
        sensorHeld.forEach(sensor::rFree);
    }

    private static final Pattern SAMPLE = Pattern.compile("^(safealloc_[a-z_]+(?:\\{[^}]*\\})?) (\\S+)$");

    /** The scraped text as series → value (the # HELP / # TYPE lines left out). */
    private Map<String, Double> scrape() {
        Map<String, Double> samples = new HashMap<>();
        for (String line : registry.scrape().split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (sample.matches()) {
                samples.put(sample.group(1), Double.valueOf(sample.group(2)));
            }
        }
        return samples;
    }
}
