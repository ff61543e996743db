package io.safealloc.benchmarks;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * The failure path, per call: the global limit is reached, so rAlloc(64) raises a LIMIT event; the
 * top-ranked handler decides FAIL; the call throws {@link MemoryAllocationException} (with the
 * event, statistics and top holders), which the caller catches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// A longer warm-up: the path is still getting faster for several seconds (alone: 8.7, 3.0, 2.2, then
// 1.4 µs per call from the 4th second; in a full run 2.1 µs until about the 7th second, then 1.3).
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
@Threads(1)
public class FailurePath {

    static final long SIZE = 64;
    static final int HELD = 16;

    SafeAllocator allocator;
    MemorySegment[] held;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = Allocators.create(HELD * SIZE);
        allocator.handlers().add(event -> Recovery.FAIL, 100);
        allocator.handlers().add(event -> Recovery.DEFER, 0);
        held = new MemorySegment[HELD];
        for (int i = 0; i < HELD; i++) {
            held[i] = allocator.unowned().rAlloc(SIZE);
        }
        if (limitFail() == null) {
            throw new IllegalStateException("the limit did not fail the allocation");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (MemorySegment segment : held) {
            allocator.unowned().rFree(segment);
        }
    }

    @Benchmark
    public MemoryAllocationException limitFail() {
        try {
            MemorySegment unexpected = allocator.unowned().rAlloc(SIZE);
            allocator.unowned().rFree(unexpected);
            throw new IllegalStateException("allocation beyond the limit succeeded");
        } catch (MemoryAllocationException e) {
            return e;
        }
    }
}
