package io.safealloc.benchmarks;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.LibcBackend;
import io.safealloc.allocator.core.NativeBackend;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Recovery;

/**
 * The metadata SafeAlloc keeps per live allocation, with {@code live} (default 1,000,000) 64-byte
 * allocations held:
 * <ul>
 *   <li>tracking bytes: {@link SafeAllocator#trackingBytes()} / live (the live table);</li>
 *   <li>cross-check: the Java heap delta (MemoryMXBean, after System.gc()) / live;</li>
 *   <li>native bytes requested from malloc beyond what the caller asked for / live (0: no header).</li>
 * </ul>
 * Usage: {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar
 * io.safealloc.benchmarks.MetadataFootprint [live] [--json FILE]}.
 */
public final class MetadataFootprint {

    /** The figures of one measurement. */
    public record Result(int live, long allocationSize, long trackingBytes, long heapDeltaBytes,
            long nativeExtraBytes) {

        public double trackingBytesPerLive() {
            return (double) trackingBytes / live;
        }

        public double heapBytesPerLive() {
            return (double) heapDeltaBytes / live;
        }

        public double nativeExtraBytesPerLive() {
            return (double) nativeExtraBytes / live;
        }

        /** @return native (header) plus tracking bytes per live allocation */
        public double metadataBytesPerLive() {
            return nativeExtraBytesPerLive() + trackingBytesPerLive();
        }

        public String toJson() {
            return String.format(Locale.ROOT, "{\"live\": %d, \"allocationSize\": %d, \"trackingBytes\": %d, "
                    + "\"trackingBytesPerLive\": %.3f, \"heapDeltaBytes\": %d, \"heapBytesPerLive\": %.3f, "
                    + "\"nativeExtraBytes\": %d, \"nativeExtraBytesPerLive\": %.3f, \"metadataBytesPerLive\": %.3f}",
                    live, allocationSize, trackingBytes, trackingBytesPerLive(), heapDeltaBytes, heapBytesPerLive(),
                    nativeExtraBytes, nativeExtraBytesPerLive(), metadataBytesPerLive());
        }

        public String describe() {
            return String.format(Locale.ROOT, "metadata per live allocation (%,d live x %d B): "
                    + "%.2f B tracking (trackingBytes %,d) + %.2f B native header = %.2f B; "
                    + "heap delta cross-check %.2f B (%,d B)",
                    live, allocationSize, trackingBytesPerLive(), trackingBytes, nativeExtraBytesPerLive(),
                    metadataBytesPerLive(), heapBytesPerLive(), heapDeltaBytes);
        }
    }

    /** libc, counting the bytes requested from malloc (to see whether a header is added). */
    private static final class CountingBackend implements NativeBackend {
        final AtomicLong requested = new AtomicLong();

        @Override
        public long malloc(long size) {
            requested.addAndGet(size);
            return LibcBackend.INSTANCE.malloc(size);
        }

        @Override
        public long calloc(long size) {
            requested.addAndGet(size);
            return LibcBackend.INSTANCE.calloc(size);
        }

        @Override
        public long aligned(long alignment, long size) {
            requested.addAndGet(size);
            return LibcBackend.INSTANCE.aligned(alignment, size);
        }

        @Override
        public long realloc(long address, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void free(long address, long size) {
            requested.addAndGet(-size);
            LibcBackend.INSTANCE.free(address, size);
        }
    }

    private MetadataFootprint() {
    }

    public static Result measure(int live) {
        final long size = 64;
        long[] held = new long[live]; // before the baseline: the caller's array is not metadata
        CountingBackend backend = new CountingBackend();
        SafeAllocator allocator = SafeAllocator.builder()
                .backend(backend)
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL))
                .abortAction((event, exitCode) -> { })
                .silent()
                .build();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = settledHeap(memory);
        long trackingBefore = allocator.trackingBytes();
        for (int i = 0; i < live; i++) {
            held[i] = allocator.unowned().rAlloc(size).address();
        }
        long heapAfter = settledHeap(memory);
        long tracking = allocator.trackingBytes();
        long nativeExtra = backend.requested.get() - live * size;
        Result result = new Result(live, size, tracking, heapAfter - heapBefore, nativeExtra);
        for (long address : held) {
            allocator.unowned().rFree(MemorySegment.ofAddress(address));
        }
        if (allocator.stats().bytesInUse() != 0 || backend.requested.get() != 0) {
            throw new IllegalStateException("not everything was freed");
        }
        if (trackingBefore > tracking) {
            throw new IllegalStateException("the table shrank while filling it");
        }
        return result;
    }

    private static long settledHeap(MemoryMXBean memory) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    public static void main(String[] args) throws IOException {
        int live = 1_000_000;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--json")) {
                json = Path.of(args[++i]);
            } else {
                live = Integer.parseInt(args[i].replace("_", "").replace(",", ""));
            }
        }
        Result result = measure(live);
        System.out.println(result.describe());
        if (json != null) {
            Files.writeString(json, result.toJson() + System.lineSeparator());
        }
    }
}
