package io.safealloc.benchmarks;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Recovery;

/**
 * The flat-cost goals as paired measurements: every invocation times a batch of 64-byte rAlloc +
 * rFree on a reference allocator (1 live allocation held, 1 handler) and a batch on a scaled one
 * ({@code live} allocations held, or {@code handlers} handlers), the two batches back to back and
 * their order alternating. Both sides are timed in the same fork and the same moments, so a slow
 * spell of the machine slows both alike; {@link LiveScaling} and {@link HandlerScaling} run each
 * parameter in forks of its own, at other moments of the run, and on the documented VM a JVM's
 * speed moves by up to 1.6x from moment to moment whatever the code (docs/benchmarks.md, "Fork to fork").
 *
 * <p>{@code live=1000000;fifo=16} keeps 16 more blocks in flight on each side and frees the oldest
 * after each allocation, so the block freed is never the one allocated last: the live table's slot
 * hint (see LiveTable) helps the insert but not the remove, which walks from the home slot as any free
 * of an older block does.
 *
 * <p>The secondary results {@code referenceNanos} and {@code scaledNanos} are the time each side
 * took per iteration; the report divides them (equal batches, so equal operation counts). The
 * primary score is the mean of both sides per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = Jvm.NATIVE_ACCESS)
@Threads(1)
public class PairedScaling {

    static final long SIZE = 64;
    /** Operations per timed batch: long enough that the two nanoTime calls cost under 0.1 ns/op. */
    static final int BATCH = 1000;

    /**
     * The scaled side: {@code live=N} (allocations held) or {@code handlers=N} (handlers registered),
     * optionally {@code ;fifo=K} (K blocks in flight on both sides, the oldest freed).
     */
    @Param({"live=1000", "live=1000000", "live=1000000;fifo=16", "handlers=100"})
    public String scaled;

    /** Blocks in flight per side (0: each block is freed right after it is allocated). */
    int fifo;
    MemorySegment[] referenceRing;
    MemorySegment[] scaledRing;
    int referencePosition;
    int scaledPosition;

    SafeAllocator reference;
    SafeAllocator scaledAllocator;
    long[] referenceHeld;
    long[] scaledHeld;
    boolean referenceFirst;

    /** The time each side took in the current iteration, in ns. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Nanos {
        public long referenceNanos;
        public long scaledNanos;

        @Setup(Level.Iteration)
        public void reset() {
            referenceNanos = 0;
            scaledNanos = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = scaled.split(";");
        fifo = parts.length > 1 ? Integer.parseInt(parts[1].substring("fifo=".length())) : 0;
        String[] kindAndCount = parts[0].split("=");
        int count = Integer.parseInt(kindAndCount[1]);
        boolean live = kindAndCount[0].equals("live");
        if (!live && !kindAndCount[0].equals("handlers")) {
            throw new IllegalArgumentException("scaled must be live=N or handlers=N, was " + scaled);
        }
        reference = Allocators.create(0);
        scaledAllocator = Allocators.create(0);
        referenceHeld = hold(reference, 1);
        scaledHeld = hold(scaledAllocator, live ? count : 1);
        register(reference, 1);
        register(scaledAllocator, live ? 1 : count);
        referenceRing = ring(reference, fifo);
        scaledRing = ring(scaledAllocator, fifo);
    }

    private static MemorySegment[] ring(SafeAllocator allocator, int inFlight) {
        MemorySegment[] ring = new MemorySegment[inFlight];
        for (int i = 0; i < inFlight; i++) {
            ring[i] = allocator.rAlloc(SIZE);
        }
        return ring;
    }

    private static long[] hold(SafeAllocator allocator, int live) {
        long[] held = new long[live];
        for (int i = 0; i < live; i++) {
            held[i] = allocator.rAlloc(SIZE).address();
        }
        return held;
    }

    private static void register(SafeAllocator allocator, int handlers) {
        for (int i = 0; i < handlers; i++) {
            allocator.handlers().add(event -> Recovery.DEFER, i);
        }
        if (allocator.handlers().inDecisionOrder().size() != handlers) {
            throw new IllegalStateException("handlers not registered");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (MemorySegment segment : referenceRing) {
            reference.rFree(segment);
        }
        for (MemorySegment segment : scaledRing) {
            scaledAllocator.rFree(segment);
        }
        release(reference, referenceHeld);
        release(scaledAllocator, scaledHeld);
    }

    private static void release(SafeAllocator allocator, long[] held) {
        for (long address : held) {
            allocator.rFree(MemorySegment.ofAddress(address));
        }
        if (allocator.stats().bytesInUse() != 0) {
            throw new IllegalStateException("not everything was freed");
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public void safeAllocCore(Nanos nanos, Blackhole sink) {
        referenceFirst = !referenceFirst; // neither side always runs right after the other
        if (referenceFirst) {
            nanos.referenceNanos += timeReference(sink);
            nanos.scaledNanos += timeScaled(sink);
        } else {
            nanos.scaledNanos += timeScaled(sink);
            nanos.referenceNanos += timeReference(sink);
        }
    }

    private long timeReference(Blackhole sink) {
        if (fifo == 0) {
            return batch(reference, sink);
        }
        long start = System.nanoTime();
        referencePosition = fifoBatch(reference, referenceRing, referencePosition, sink);
        return System.nanoTime() - start;
    }

    private long timeScaled(Blackhole sink) {
        if (fifo == 0) {
            return batch(scaledAllocator, sink);
        }
        long start = System.nanoTime();
        scaledPosition = fifoBatch(scaledAllocator, scaledRing, scaledPosition, sink);
        return System.nanoTime() - start;
    }

    /** {@link #BATCH} allocations, each followed by the free of the oldest block in flight. @return the next position */
    private static int fifoBatch(SafeAllocator allocator, MemorySegment[] ring, int position, Blackhole sink) {
        for (int i = 0; i < BATCH; i++) {
            MemorySegment fresh = allocator.rAlloc(SIZE);
            MemorySegment oldest = ring[position];
            ring[position] = fresh;
            position = position + 1 == ring.length ? 0 : position + 1;
            allocator.rFree(oldest);
            sink.consume(oldest);
        }
        return position;
    }

    /** @return the ns that {@link #BATCH} allocate + free pairs took; each segment goes to the sink, as a returned one would */
    private static long batch(SafeAllocator allocator, Blackhole sink) {
        long start = System.nanoTime();
        for (int i = 0; i < BATCH; i++) {
            MemorySegment segment = allocator.rAlloc(SIZE);
            allocator.rFree(segment);
            sink.consume(segment);
        }
        return System.nanoTime() - start;
    }
}
