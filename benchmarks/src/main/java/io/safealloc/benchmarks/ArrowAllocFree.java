package io.safealloc.benchmarks;

import java.util.concurrent.TimeUnit;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Apache Arrow (arrow-memory-unsafe): {@code RootAllocator.buffer(size)}, then {@code close()} on the
 * buffer. Arrow keeps getting faster for several seconds, so it gets a longer warm-up than the
 * others. Abstract: run by {@link ArrowAllocFreeT1} and {@link ArrowAllocFreeT2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.OPEN_NIO, Jvm.ALLOW_UNSAFE,
        "-Darrow.allocation.manager.type=Unsafe"})
public abstract class ArrowAllocFree {

    @Param({"64", "4096", "1048576"})
    public long size;

    BufferAllocator root;

    @Setup(Level.Trial)
    public void setUp() {
        root = new RootAllocator();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        root.close(); // throws if a buffer leaked
    }

    @Benchmark
    public long arrowRootAllocator() {
        ArrowBuf buffer = root.buffer(size);
        long address = buffer.memoryAddress();
        buffer.close();
        return address;
    }
}
