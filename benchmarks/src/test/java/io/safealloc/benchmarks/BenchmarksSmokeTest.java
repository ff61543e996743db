package io.safealloc.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every benchmark once, briefly, in this JVM (surefire's argLine gives it native access and
 * opens java.nio for Arrow): each must produce a score. Not a performance test: nothing is asserted
 * about the numbers.
 */
class BenchmarksSmokeTest {

    /** The benchmarks package, and the hot-path breakdown that sits in the allocator's package. */
    private static final String PACKAGE = "io\\.safealloc\\.(benchmarks\\.|allocator\\.core\\.HotPathBreakdown)";

    @Test
    void everyBenchmarkRunsAndProducesAScore() throws RunnerException {
        Options options = new OptionsBuilder()
                .include(PACKAGE + ".*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .timeout(TimeValue.seconds(60))
                // The million-live-allocations case takes longer to set up than the rest together.
                .param("live", "1", "1000")
                .param("scaled", "live=1000", "live=1000;fifo=16", "handlers=100")
                .param("op", "rAlloc", "confinedArena") // PairedJars: both loops of its driver
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        SortedSet<BenchmarkListEntry> listed = BenchmarkList.defaultList()
                .find(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT),
                        java.util.List.of(PACKAGE + ".*"), java.util.List.of());
        Set<String> expected = listed.stream().map(BenchmarkListEntry::getUsername)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(expected.size() >= 25, "benchmarks listed: " + expected);

        TreeMap<String, Double> scores = new TreeMap<>();
        for (RunResult result : results) {
            String label = result.getParams().getBenchmark() + describeParams(result);
            double score = result.getPrimaryResult().getScore();
            assertFalse(Double.isNaN(score) || Double.isInfinite(score), label + " has no score: " + score);
            assertTrue(score > 0, label + " scored " + score);
            assertEquals(TimeUnit.NANOSECONDS, result.getParams().getTimeUnit(), label);
            if (label.contains("PairedScaling")) { // the report divides these two: both sides must have run
                for (String side : List.of("referenceNanos", "scaledNanos")) {
                    assertTrue(result.getSecondaryResults().containsKey(side), label + " lacks " + side);
                    assertTrue(result.getSecondaryResults().get(side).getScore() > 0, label + " " + side);
                }
            }
            scores.put(label, score);
        }
        Set<String> ran = results.stream().map(r -> r.getParams().getBenchmark())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, ran, "every benchmark method must have run");
        scores.forEach((label, score) -> System.out.printf("smoke %-70s %12.1f ns/op%n", label, score));
    }

    @Test
    void metadataFootprintIsMeasured() {
        MetadataFootprint.Result result = MetadataFootprint.measure(100_000);
        System.out.println("smoke " + result.describe());
        assertTrue(result.trackingBytes() > 0);
        assertTrue(result.trackingBytesPerLive() > 0 && Double.isFinite(result.trackingBytesPerLive()));
        assertEquals(0, result.nativeExtraBytes(), "SafeAlloc asks malloc for exactly the requested size");
    }

    private static String describeParams(RunResult result) {
        StringBuilder sb = new StringBuilder();
        for (String key : result.getParams().getParamsKeys()) {
            sb.append(sb.isEmpty() ? " (" : ", ").append(key).append('=').append(result.getParams().getParam(key));
        }
        return sb.isEmpty() ? "" : sb.append(')').toString();
    }
}
