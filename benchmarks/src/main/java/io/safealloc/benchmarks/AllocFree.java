package io.safealloc.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorService;

/**
 * One allocation of {@code size} bytes and its release, per operation, for every allocator measured.
 * The baseline is {@link #ffmMallocFree}: libc through ordinary FFM downcalls.
 *
 * <p>Abstract: {@link AllocFreeT1} and {@link AllocFreeT2} run these methods with 1 and 2 threads
 * in the same JMH invocation. State is shared by the threads (one allocator, as in an application).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = Jvm.NATIVE_ACCESS)
public abstract class AllocFree {

    private static final Linker LINKER = Linker.nativeLinker();

    // The naive way: static final handles, raw long pointers, invokeExact.
    static final MethodHandle MALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_LONG));
    // The same with critical downcalls: no thread-state transition (short calls only).
    static final MethodHandle MALLOC_CRITICAL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG),
            Linker.Option.critical(false));
    static final MethodHandle FREE_CRITICAL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_LONG),
            Linker.Option.critical(false));

    @Param({"64", "4096", "1048576"})
    public long size;

    SafeAllocator allocator;
    OwnerView view;
    /** The bundle-scoped service, typed as bundles see it. */
    AllocatorService service;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = Allocators.create(0);
        view = allocator.open(new Owner(42, "io.example.consumer"));
        service = view; // what the bundle-scoped DS component delegates every call to
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Allocators.closeWithoutLeaks(allocator, view);
    }

    /** Baseline: libc malloc + free through ordinary FFM downcalls. */
    @Benchmark
    public long ffmMallocFree() throws Throwable {
        long p = (long) MALLOC.invokeExact(size);
        if (p == 0) {
            throw new OutOfMemoryError("malloc(" + size + ")");
        }
        FREE.invokeExact(p);
        return p;
    }

    /** The same with {@code Linker.Option.critical(false)}. */
    @Benchmark
    public long ffmCriticalMallocFree() throws Throwable {
        long p = (long) MALLOC_CRITICAL.invokeExact(size);
        if (p == 0) {
            throw new OutOfMemoryError("malloc(" + size + ")");
        }
        FREE_CRITICAL.invokeExact(p);
        return p;
    }

    /** SafeAlloc core: rAlloc + rFree on the allocator's unowned view (accounting and live tracking). */
    @Benchmark
    public MemorySegment safeAllocCore() {
        MemorySegment segment = allocator.unowned().rAlloc(size);
        allocator.unowned().rFree(segment);
        return segment;
    }

    /** SafeAlloc as a bundle calls it: the bundle-scoped wrapper, through AllocatorService. */
    @Benchmark
    public MemorySegment safeAllocBundleView() {
        MemorySegment segment = service.rAlloc(size);
        service.rFree(segment);
        return segment;
    }

    /** A confined arena per allocation: allocate (zeroed) + close. */
    @Benchmark
    public MemorySegment arenaConfined() {
        try (Arena arena = Arena.ofConfined()) {
            return arena.allocate(size);
        }
    }

    /** A shared arena per allocation: allocate (zeroed) + close (a thread handshake). */
    @Benchmark
    public MemorySegment arenaShared() {
        try (Arena arena = Arena.ofShared()) {
            return arena.allocate(size);
        }
    }

    /** ByteBuffer.allocateDirect (zeroed); freed later by the GC's cleaner. */
    @Benchmark
    public ByteBuffer allocateDirect() {
        return ByteBuffer.allocateDirect((int) size);
    }

    /** Netty's pooled direct buffers: directBuffer(size).release(). */
    @Benchmark
    public boolean nettyPooled() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer((int) size);
        return buffer.release();
    }

    /** Netty's unpooled direct buffers: directBuffer(size).release(). */
    @Benchmark
    public boolean nettyUnpooled() {
        ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer((int) size);
        return buffer.release();
    }
}
