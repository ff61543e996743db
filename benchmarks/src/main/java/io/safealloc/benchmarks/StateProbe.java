package io.safealloc.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Which state the machine is in, second by second: times four loops that use no SafeAlloc code, in
 * turn, and prints a line per round, so that a run shows whether the slow state of docs/benchmarks.md
 * ("Fork to fork") comes and goes with the code under test or with the machine:
 * <ul>
 *   <li>{@code alu}: a register-only xorshift loop (no memory access), ns per step;</li>
 *   <li>{@code mallocFree}: libc's {@code malloc(64)} + {@code free} through critical downcalls (no
 *       Java heap), ns per pair;</li>
 *   <li>{@code heap}: a 64-byte {@code long[]} wrapped in a heap segment and kept, ns per allocation;</li>
 *   <li>{@code jdkArena}: {@link Arena#ofConfined()}, {@code allocate(64, 1)}, close, ns per arena.</li>
 * </ul>
 * A plain main, as {@link ArenaPaired}: {@code java --enable-native-access=ALL-UNNAMED -Xms2g -Xmx2g
 * -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar io.safealloc.benchmarks.StateProbe [seconds]}
 * (default 30).
 */
public final class StateProbe {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG),
            Linker.Option.critical(false));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_LONG),
            Linker.Option.critical(false));
    private static long sink;
    /** Keeps what the loops make, as a returned value is kept. */
    private static MemorySegment last;

    private StateProbe() {
    }

    private static double alu(int n) {
        long start = System.nanoTime();
        long x = 88172645463325252L;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        sink += x;
        return (System.nanoTime() - start) / (double) n;
    }

    private static double mallocFree(int n) throws Throwable {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long address = (long) MALLOC.invokeExact(64L);
            FREE.invokeExact(address);
            sink += address;
        }
        return (System.nanoTime() - start) / (double) n;
    }

    private static double heap(int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            last = MemorySegment.ofArray(new long[8]);
        }
        return (System.nanoTime() - start) / (double) n;
    }

    private static double jdkArena(int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (Arena arena = Arena.ofConfined()) {
                last = arena.allocate(64, 1);
            }
        }
        return (System.nanoTime() - start) / (double) n;
    }

    public static void main(String[] args) throws Throwable {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 30;
        for (int warm = 0; warm < 50; warm++) {
            alu(1_000_000);
            mallocFree(50_000);
            heap(100_000);
            jdkArena(20_000);
        }
        System.out.printf("%-8s %10s %12s %10s %10s%n", "second", "alu", "mallocFree", "heap", "jdkArena");
        long begin = System.nanoTime();
        long end = begin + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            double a = alu(20_000_000);
            double m = mallocFree(2_000_000);
            double h = heap(2_000_000);
            double j = jdkArena(500_000);
            System.out.printf("%-8.1f %10.3f %12.1f %10.1f %10.1f%n", (System.nanoTime() - begin) / 1e9, a, m, h, j);
        }
        System.out.println(sink == 42 && last == null ? "" : "done");
    }
}
