package io.safealloc.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorService;

/**
 * SafeAlloc's FFM idioms against the JDK's (issue 13's speed goals), one thread, 64-byte blocks:
 * <ul>
 * <li>one block in a fresh confined arena, then close: {@link #jdkConfined1} vs {@link #safeConfined1};</li>
 * <li>16 blocks in a confined arena, then close, per block ({@code @OperationsPerInvocation(16)}):
 *     {@link #jdkConfined16} vs {@link #safeConfined16} vs naive FFM malloc/free per block
 *     ({@link #ffmMallocFree16});</li>
 * <li>a shared arena's allocate + close (the close is a handshake with every thread):
 *     {@link #jdkShared1} vs {@link #safeShared1};</li>
 * <li>the service as a {@code SegmentAllocator}: {@link #segmentAllocatorFree} ({@code allocate(64)} +
 *     {@code rFree}) vs {@link #rAllocFree}.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
@Threads(1)
public class ArenaAllocFree {

    private static final long SIZE = 64;
    private static final int BLOCKS = 16;

    SafeAllocator allocator;
    OwnerView view;
    AllocatorService service;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = Allocators.create(0);
        view = allocator.open(new Owner(42, "io.example.consumer"));
        service = view;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Allocators.closeWithoutLeaks(allocator, view);
    }

    @Benchmark
    public MemorySegment jdkConfined1() {
        try (Arena arena = Arena.ofConfined()) {
            return arena.allocate(SIZE);
        }
    }

    @Benchmark
    public MemorySegment safeConfined1() {
        try (Arena arena = service.confinedArena()) {
            return arena.allocate(SIZE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public MemorySegment jdkConfined16() {
        MemorySegment last = null;
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < BLOCKS; i++) {
                last = arena.allocate(SIZE);
            }
        }
        return last;
    }

    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public MemorySegment safeConfined16() {
        MemorySegment last = null;
        try (Arena arena = service.confinedArena()) {
            for (int i = 0; i < BLOCKS; i++) {
                last = arena.allocate(SIZE);
            }
        }
        return last;
    }

    /** The naive way, per block: 16 ordinary malloc downcalls, then 16 frees (as the arena frees them). */
    @Benchmark
    @OperationsPerInvocation(BLOCKS)
    public long ffmMallocFree16() throws Throwable {
        long[] blocks = new long[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            long p = (long) AllocFree.MALLOC.invokeExact(SIZE);
            if (p == 0) {
                throw new OutOfMemoryError("malloc(" + SIZE + ")");
            }
            blocks[i] = p;
        }
        for (int i = 0; i < BLOCKS; i++) {
            AllocFree.FREE.invokeExact(blocks[i]);
        }
        return blocks[BLOCKS - 1];
    }

    @Benchmark
    public MemorySegment jdkShared1() {
        try (Arena arena = Arena.ofShared()) {
            return arena.allocate(SIZE);
        }
    }

    @Benchmark
    public MemorySegment safeShared1() {
        try (Arena arena = service.sharedArena()) {
            return arena.allocate(SIZE);
        }
    }

    @Benchmark
    public MemorySegment segmentAllocatorFree() {
        MemorySegment segment = service.allocate(SIZE);
        service.rFree(segment);
        return segment;
    }

    @Benchmark
    public MemorySegment rAllocFree() {
        MemorySegment segment = service.rAlloc(SIZE);
        service.rFree(segment);
        return segment;
    }
}
