package io.safealloc.benchmarks;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
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
import org.openjdk.jmh.annotations.Warmup;

import io.safealloc.allocator.core.SafeAllocator;

/**
 * {@code rAllocType} of a small (64-byte, 8-aligned) struct: zeroed memory (calloc), then rFree.
 * Compared with the 64-byte FFM malloc+free baseline. Abstract: run by {@link StructAllocFreeT1}
 * and {@link StructAllocFreeT2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public abstract class StructAllocFree {

    /** A linked-list node of 64 bytes. */
    static final StructLayout NODE = MemoryLayout.structLayout(
            JAVA_LONG.withName("id"),
            ADDRESS.withName("next"),
            ADDRESS.withName("prev"),
            JAVA_LONG.withName("key"),
            JAVA_DOUBLE.withName("weight"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("refs"),
            JAVA_LONG.withName("created"),
            JAVA_LONG.withName("updated"));

    SafeAllocator allocator;

    @Setup(Level.Trial)
    public void setUp() {
        if (NODE.byteSize() != 64) {
            throw new AssertionError("NODE is " + NODE.byteSize() + " bytes");
        }
        allocator = Allocators.create(0);
    }

    @Benchmark
    public MemorySegment safeAllocType() {
        MemorySegment node = allocator.unowned().rAllocType(NODE);
        allocator.unowned().rFree(node);
        return node;
    }
}
