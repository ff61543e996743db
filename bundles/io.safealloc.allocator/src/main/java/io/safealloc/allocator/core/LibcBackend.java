package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * libc's allocator through FFM downcalls on raw {@code long} addresses (no {@code MemorySegment}
 * is created for a pointer; this assumes LP64, which is checked once at class initialisation).
 *
 * <p>Small blocks use critical downcalls ({@link Linker.Option#critical(boolean)}): the thread does
 * not transition out of the Java state, which halves the cost of a small allocation. That is safe
 * here because, below {@link #CRITICAL_LIMIT}, glibc's {@code malloc}, {@code calloc} and
 * {@code free} serve the block from an arena (never {@code mmap}/{@code munmap} of the block itself,
 * the default mmap threshold being 128 KiB and only ever raised), so the call is short; they never
 * call back into Java; and they touch no Java heap. A thread in a critical call delays a safepoint
 * only for the duration of that call. Larger blocks and {@code realloc} (which may copy megabytes)
 * use ordinary downcalls.
 */
public final class LibcBackend implements NativeBackend {

    /** Blocks up to this size use critical downcalls (well below glibc's smallest mmap threshold). */
    static final long CRITICAL_LIMIT = 16 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();

    private static final MethodHandle MALLOC = downcall("malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
    private static final MethodHandle MALLOC_CRITICAL = downcall("malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), true);
    private static final MethodHandle CALLOC = downcall("calloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
    private static final MethodHandle CALLOC_CRITICAL = downcall("calloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
    private static final MethodHandle ALIGNED_ALLOC = downcall("aligned_alloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
    private static final MethodHandle REALLOC = downcall("realloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
    private static final MethodHandle FREE = downcall("free", FunctionDescriptor.ofVoid(JAVA_LONG), false);
    private static final MethodHandle FREE_CRITICAL = downcall("free", FunctionDescriptor.ofVoid(JAVA_LONG), true);

    /** The one instance: libc is a process-wide resource. */
    public static final LibcBackend INSTANCE = new LibcBackend();

    private LibcBackend() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, boolean critical) {
        if (ADDRESS.byteSize() != Long.BYTES) {
            throw new ExceptionInInitializerError("SafeAlloc needs a 64-bit (LP64) platform");
        }
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new ExceptionInInitializerError("libc has no " + name));
        return critical
                ? LINKER.downcallHandle(symbol, descriptor, Linker.Option.critical(false))
                : LINKER.downcallHandle(symbol, descriptor);
    }

    @Override
    public long malloc(long size) {
        try {
            return size <= CRITICAL_LIMIT ? (long) MALLOC_CRITICAL.invokeExact(size) : (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw Unchecked.rethrow(t);
        }
    }

    @Override
    public long calloc(long size) {
        try {
            return size <= CRITICAL_LIMIT
                    ? (long) CALLOC_CRITICAL.invokeExact(1L, size)
                    : (long) CALLOC.invokeExact(1L, size);
        } catch (Throwable t) {
            throw Unchecked.rethrow(t);
        }
    }

    @Override
    public long aligned(long alignment, long size) {
        try {
            return (long) ALIGNED_ALLOC.invokeExact(alignment, size);
        } catch (Throwable t) {
            throw Unchecked.rethrow(t);
        }
    }

    @Override
    public long realloc(long address, long size) {
        try {
            return (long) REALLOC.invokeExact(address, size);
        } catch (Throwable t) {
            throw Unchecked.rethrow(t);
        }
    }

    @Override
    public void free(long address, long size) {
        try {
            if (size <= CRITICAL_LIMIT) {
                FREE_CRITICAL.invokeExact(address);
            } else {
                FREE.invokeExact(address);
            }
        } catch (Throwable t) {
            throw Unchecked.rethrow(t);
        }
    }
}
