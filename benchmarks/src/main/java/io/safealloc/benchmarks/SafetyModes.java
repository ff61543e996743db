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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.allocator.core.Safety;

/**
 * rAlloc(64) + rFree in each safety mode, so that CHECKED's cost (an arena per allocation, closed on
 * rFree: a handshake with every thread) reads as a ratio against FAST in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
@Threads(1)
public class SafetyModes {

    static final long SIZE = 64;

    @Param({"FAST", "CHECKED"})
    public Safety safety;

    SafeAllocator allocator;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = Allocators.create(0);
        allocator.configure(allocator.config().withSafety(safety));
    }

    @Benchmark
    public MemorySegment safeAllocCore() {
        MemorySegment segment = allocator.unowned().rAlloc(SIZE);
        allocator.unowned().rFree(segment);
        return segment;
    }
}
