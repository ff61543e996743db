package io.safealloc.demo.libc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A few libc functions, bound the way jextract binds a header ({@code jextract --output ... string.h
 * stdlib.h sys/time.h sys/utsname.h}): one static method per function taking and returning
 * {@link MemorySegment}s, a nested class per struct with its layout, accessors and an
 * {@code allocate(SegmentAllocator)}, and a nested class per function pointer type whose
 * {@code allocate(Function, Arena)} makes the upcall stub. Hand-written here (jextract is not part
 * of the build), but in its shape, so that the demo shows what generated bindings do with SafeAlloc:
 * pass the {@code AllocatorService} where they take a {@code SegmentAllocator}, and an arena from
 * {@code AllocatorService.confinedArena()} where they take an {@code Arena}.
 *
 * <p>Linux (glibc), LP64. Thread-safe: the handles are immutable.
 */
public final class Libc {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final MethodHandle STRLEN = downcall("strlen", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    /** {@code int snprintf(char *str, size_t size, const char *format, int)}: one variadic int, as jextract's invoker fixes it. */
    private static final MethodHandle SNPRINTF_INT = LINKER.downcallHandle(LIBC.find("snprintf").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(3));
    private static final MethodHandle QSORT = downcall("qsort",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETTIMEOFDAY = downcall("gettimeofday", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle UNAME = downcall("uname", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Libc() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), descriptor);
    }

    /**
     * What a failed call throws: the FFM runtime's own exceptions as they are (a closed arena's
     * segment gives {@link IllegalStateException}); jextract wraps everything in an
     * {@code AssertionError}, which would hide that.
     */
    private static RuntimeException rethrown(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }

    /** {@code size_t strlen(const char *s)} */
    public static long strlen(MemorySegment s) {
        try {
            return (long) STRLEN.invokeExact(s);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code int snprintf(char *str, size_t size, const char *format, ...)} with one {@code int} argument */
    public static int snprintf(MemorySegment str, long size, MemorySegment format, int value) {
        try {
            return (int) SNPRINTF_INT.invokeExact(str, size, format, value);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *))} */
    public static void qsort(MemorySegment base, long nmemb, long size, MemorySegment compar) {
        try {
            QSORT.invokeExact(base, nmemb, size, compar);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code int gettimeofday(struct timeval *tv, struct timezone *tz)} */
    public static int gettimeofday(MemorySegment tv, MemorySegment tz) {
        try {
            return (int) GETTIMEOFDAY.invokeExact(tv, tz);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code int uname(struct utsname *buf)} */
    public static int uname(MemorySegment buf) {
        try {
            return (int) UNAME.invokeExact(buf);
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** {@code struct timeval { time_t tv_sec; suseconds_t tv_usec; }} */
    public static final class Timeval {

        private static final GroupLayout LAYOUT = MemoryLayout.structLayout(
                JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec")).withName("timeval");

        private Timeval() {
        }

        public static GroupLayout layout() {
            return LAYOUT;
        }

        public static MemorySegment allocate(SegmentAllocator allocator) {
            return allocator.allocate(LAYOUT);
        }

        public static long tv_sec(MemorySegment struct) {
            return struct.get(JAVA_LONG, 0);
        }

        public static long tv_usec(MemorySegment struct) {
            return struct.get(JAVA_LONG, 8);
        }
    }

    /** {@code struct utsname} (glibc: six {@code char[65]} fields). */
    public static final class Utsname {

        private static final long FIELD = 65;
        private static final GroupLayout LAYOUT = MemoryLayout.structLayout(
                MemoryLayout.sequenceLayout(FIELD, ValueLayouts.C_CHAR).withName("sysname"),
                MemoryLayout.sequenceLayout(FIELD, ValueLayouts.C_CHAR).withName("nodename"),
                MemoryLayout.sequenceLayout(FIELD, ValueLayouts.C_CHAR).withName("release"),
                MemoryLayout.sequenceLayout(FIELD, ValueLayouts.C_CHAR).withName("version"),
                MemoryLayout.sequenceLayout(FIELD, ValueLayouts.C_CHAR).withName("machine"),
                MemoryLayout.sequenceLayout(FIELD, ValueLayouts.C_CHAR).withName("domainname")).withName("utsname");

        private Utsname() {
        }

        public static GroupLayout layout() {
            return LAYOUT;
        }

        public static MemorySegment allocate(SegmentAllocator allocator) {
            return allocator.allocate(LAYOUT);
        }

        public static MemorySegment sysname(MemorySegment struct) {
            return struct.asSlice(0, FIELD);
        }

        public static MemorySegment machine(MemorySegment struct) {
            return struct.asSlice(4 * FIELD, FIELD);
        }
    }

    /** {@code int (*)(const void *, const void *)}, the comparator {@link #qsort} takes. */
    public static final class Compar {

        /** The Java side of the function pointer. */
        @FunctionalInterface
        public interface Function {
            int apply(MemorySegment a, MemorySegment b);
        }

        private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        private static final MethodHandle APPLY;

        static {
            try {
                APPLY = MethodHandles.lookup().findVirtual(Function.class, "apply",
                        MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private Compar() {
        }

        /** @return an upcall stub calling {@code function}, valid until {@code arena} closes */
        public static MemorySegment allocate(Function function, Arena arena) {
            return LINKER.upcallStub(APPLY.bindTo(function), DESCRIPTOR, arena);
        }
    }

    /** The C types jextract maps to. */
    static final class ValueLayouts {
        static final java.lang.foreign.ValueLayout.OfByte C_CHAR = java.lang.foreign.ValueLayout.JAVA_BYTE;

        private ValueLayouts() {
        }
    }
}
