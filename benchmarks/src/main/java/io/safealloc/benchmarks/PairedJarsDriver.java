package io.safealloc.benchmarks;

import io.safealloc.api.AllocatorService;
import java.lang.foreign.MemorySegment;

/**
 * The timed loop of {@link PairedJars}, loaded once per side in a class loader of that side's jar,
 * so that each side's loop is compiled against its own allocator classes with a profile of its own
 * (as in a JMH fork of its own). It uses only {@code rAlloc(long)} and {@code rFree(MemorySegment)},
 * which every version of the API has.
 */
public final class PairedJarsDriver {

    /** Every segment is stored here, so it is made as a returned one is (a Blackhole's job in JMH). */
    public static MemorySegment last;

    private PairedJarsDriver() {
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
}
