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

    Side reference;
    Side scaledSide;
    boolean referenceFirst;

    /**
     * One allocator of the pair with what it holds: {@code held} allocations kept for the whole
     * trial, and {@code ring} blocks in flight when the oldest is freed after each allocation.
     */
    static final class Side {
        final SafeAllocator allocator = Allocators.create(0);
        final long[] held;
        final MemorySegment[] ring;
        int position;

        Side(int live, int handlers, int inFlight) {
            held = new long[live];
            for (int i = 0; i < live; i++) {
                held[i] = allocator.unowned().rAlloc(SIZE).address();
            }
            for (int i = 0; i < handlers; i++) {
                allocator.handlers().add(event -> Recovery.DEFER, i);
            }
            if (allocator.handlers().inDecisionOrder().size() != handlers) {
                throw new IllegalStateException("handlers not registered");
            }
            ring = new MemorySegment[inFlight];
            for (int i = 0; i < inFlight; i++) {
                ring[i] = allocator.unowned().rAlloc(SIZE);
            }
        }

        /**
         * @return the ns that {@link #BATCH} allocations took, each followed by the free of the same
         *     block, or of the oldest one in flight; each freed segment goes to the sink, as a returned
         *     one would
         */
        long time(Blackhole sink) {
            long start = System.nanoTime();
            if (ring.length == 0) {
                for (int i = 0; i < BATCH; i++) {
                    MemorySegment segment = allocator.unowned().rAlloc(SIZE);
                    allocator.unowned().rFree(segment);
                    sink.consume(segment);
                }
            } else {
                for (int i = 0; i < BATCH; i++) {
                    MemorySegment fresh = allocator.unowned().rAlloc(SIZE);
                    MemorySegment oldest = ring[position];
                    ring[position] = fresh;
                    position = position + 1 == ring.length ? 0 : position + 1;
                    allocator.unowned().rFree(oldest);
                    sink.consume(oldest);
                }
            }
            return System.nanoTime() - start;
        }

        void release() {
            for (MemorySegment segment : ring) {
                allocator.unowned().rFree(segment);
            }
            for (long address : held) {
                allocator.unowned().rFree(MemorySegment.ofAddress(address));
            }
            if (allocator.stats().bytesInUse() != 0) {
                throw new IllegalStateException("not everything was freed");
            }
        }
    }

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
        int fifo = parts.length > 1 ? Integer.parseInt(parts[1].substring("fifo=".length())) : 0;
        String[] kindAndCount = parts[0].split("=");
        int count = Integer.parseInt(kindAndCount[1]);
        boolean live = kindAndCount[0].equals("live");
        if (!live && !kindAndCount[0].equals("handlers")) {
            throw new IllegalArgumentException("scaled must be live=N or handlers=N, was " + scaled);
        }
        reference = new Side(1, 1, fifo);
        scaledSide = new Side(live ? count : 1, live ? 1 : count, fifo);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        reference.release();
        scaledSide.release();
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public void safeAllocCore(Nanos nanos, Blackhole sink) {
        referenceFirst = !referenceFirst; // neither side always runs right after the other
        if (referenceFirst) {
            nanos.referenceNanos += reference.time(sink);
            nanos.scaledNanos += scaledSide.time(sink);
        } else {
            nanos.scaledNanos += scaledSide.time(sink);
            nanos.referenceNanos += reference.time(sink);
        }
    }
}
