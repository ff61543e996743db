package io.safealloc.allocator.core;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The checks an {@code adopt} argument must pass before the allocator takes it: memory it cannot
 * have come from {@code malloc} is refused with a message that says why, since handing it to libc
 * {@code free} later would crash the JVM.
 *
 * <p>Stateless; thread-safe.
 */
final class AdoptChecks {

    /** Below this no allocator hands out memory: the first page is never mapped. */
    private static final long LOWEST_HEAP_ADDRESS = 4096;

    private AdoptChecks() {
    }

    /**
     * @return the address of {@code memory}, which may have come from malloc
     * @throws IllegalArgumentException if it cannot have, or {@code size} cannot be tracked
     * @throws NullPointerException if {@code memory} is null
     */
    static long addressOf(MemorySegment memory, long size) {
        Objects.requireNonNull(memory, "nativeMemory");
        if (!memory.isNative()) {
            throw new IllegalArgumentException("adopt: " + memory + " is heap memory, not memory from malloc");
        }
        long address = memory.address();
        if (address == 0) {
            throw new IllegalArgumentException("adopt: NULL cannot be adopted");
        }
        if (Long.compareUnsigned(address, LOWEST_HEAP_ADDRESS) < 0) {
            throw new IllegalArgumentException(String.format("adopt: 0x%x lies in the first page of memory, which "
                    + "is never mapped, so it did not come from malloc", address));
        }
        if (!LiveTable.isValidKey(address)) {
            throw new IllegalArgumentException(String.format(
                    "adopt: 0x%x is not aligned as malloc aligns (8 bytes), so it did not come from malloc", address));
        }
        if (size < 0 || size > Entry.MAX_SIZE) {
            throw new IllegalArgumentException("adopt: size must be between 0 and " + Entry.MAX_SIZE + ", was " + size);
        }
        return address;
    }
}
