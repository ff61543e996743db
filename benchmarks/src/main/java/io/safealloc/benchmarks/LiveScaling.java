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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.safealloc.allocator.core.SafeAllocator;

/**
 * rAlloc(64) + rFree while {@code live} other allocations are held: the live table must not slow
 * the hot path down as it grows.
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
public class LiveScaling {

    static final long SIZE = 64;

    @Param({"1", "1000", "1000000"})
    public int live;

    SafeAllocator allocator;
    long[] held;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = Allocators.create(0);
        held = new long[live];
        for (int i = 0; i < live; i++) {
            held[i] = allocator.unowned().rAlloc(SIZE).address();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (long address : held) {
            allocator.unowned().rFree(MemorySegment.ofAddress(address));
        }
        held = null;
        if (allocator.stats().bytesInUse() != 0) {
            throw new IllegalStateException("not everything was freed");
        }
    }

    @Benchmark
    public MemorySegment safeAllocCore() {
        MemorySegment segment = allocator.unowned().rAlloc(SIZE);
        allocator.unowned().rFree(segment);
        return segment;
    }
}
