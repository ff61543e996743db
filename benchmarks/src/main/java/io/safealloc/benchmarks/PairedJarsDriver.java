package io.safealloc.benchmarks;

import io.safealloc.api.AllocatorService;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The timed loop of {@link PairedJars}, loaded once per side in a class loader of that side's jar,
 * so that each side's loop is compiled against its own allocator classes with a profile of its own
 * (as in a JMH fork of its own). {@link #time} uses only {@code rAlloc(long)} and
 * {@code rFree(MemorySegment)}, which every version of the API has; {@link #timeConfinedArena} needs
 * a build since issue 13 (linked when it is first called).
 */
public final class PairedJarsDriver {

    /** Every segment is stored here, so it is made as a returned one is (a Blackhole's job in JMH). */
    public static MemorySegment last;

    private PairedJarsDriver() {
    }

    /**
     * @param op {@code rAlloc}, {@code confinedArena} or {@code jdkConfinedArena} ({@link PairedJars#op})
     * @return the name of the method that times it
     */
    static String timer(String op) {
        return switch (op) {
            case "rAlloc" -> "time";
            case "confinedArena" -> "timeConfinedArena";
            case "jdkConfinedArena" -> "timeJdkConfinedArena";
            default -> throw new IllegalArgumentException(
                    "op must be rAlloc, confinedArena or jdkConfinedArena, was " + op);
        };
    }

    /** @return the ns that {@code batch} allocations of {@code size} bytes, each freed at once, took */
    public static long time(AllocatorService service, long size, int batch) {
        long start = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            MemorySegment segment = service.rAlloc(size);
            service.rFree(segment);
            last = segment;
        }
        return System.nanoTime() - start;
    }

    /**
     * @return the ns that {@code batch} confined arenas took, each opened, given one block of
     *     {@code size} bytes and closed
     */
    public static long timeConfinedArena(AllocatorService service, long size, int batch) {
        long start = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            try (Arena arena = service.confinedArena()) {
                last = arena.allocate(size, 1); // allocate(size), without the interface's default method (below)
            }
        }
        return System.nanoTime() - start;
    }

    /**
     * The JDK's side of {@link #timeConfinedArena}: {@link Arena#ofConfined()}, the service unused. Both
     * call {@code allocate(size, 1)}, which each arena implements, rather than {@code allocate(size)}:
     * that one is a default method of {@code SegmentAllocator}, compiled once for both arenas, so in
     * one JVM its profile would see both and the JIT would inline it into neither loop, as it does
     * in a JMH fork that runs one of them.
     */
    public static long timeJdkConfinedArena(AllocatorService service, long size, int batch) {
        long start = System.nanoTime();
        for (int i = 0; i < batch; i++) {
            try (Arena arena = Arena.ofConfined()) {
                last = arena.allocate(size, 1);
            }
        }
        return System.nanoTime() - start;
    }
}
