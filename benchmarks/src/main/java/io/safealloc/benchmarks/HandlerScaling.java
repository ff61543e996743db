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
import io.safealloc.api.Recovery;

/**
 * rAlloc(64) + rFree with {@code handlers} ranked handlers registered. Handlers are asked only when
 * an allocation fails, so the successful path must cost the same however many there are.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Three forks: on the documented VM a JVM runs in a fast or a slow state (about 35 or 55 ns/op; not
// JIT, not GC time; both allocators of a PairedScaling fork change state together, see
// docs/benchmarks.md). Forks of different parameters run at different moments, so these rows show
// the spread; the flat-cost goals are judged by PairedScaling, which times both sides in the same moments.
@Fork(value = 3, jvmArgsAppend = Jvm.NATIVE_ACCESS)
@Threads(1)
public class HandlerScaling {

    static final long SIZE = 64;

    @Param({"1", "100"})
    public int handlers;

    SafeAllocator allocator;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = Allocators.create(0);
        for (int i = 0; i < handlers; i++) {
            allocator.handlers().add(event -> Recovery.DEFER, i);
        }
        if (allocator.handlers().inDecisionOrder().size() != handlers) {
            throw new IllegalStateException("handlers not registered");
        }
    }

    @Benchmark
    public MemorySegment safeAllocCore() {
        MemorySegment segment = allocator.unowned().rAlloc(SIZE);
        allocator.unowned().rFree(segment);
        return segment;
    }
}
