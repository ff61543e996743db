package io.safealloc.allocator.core;

/**
 * The native memory functions the allocator wraps, on raw addresses ({@code 0} is NULL).
 *
 * <p>Implemented by {@link LibcBackend} for real use; tests substitute one whose functions fail on
 * demand. Implementations must be thread-safe. {@code free} receives the size that was allocated so
 * that an implementation can pick a cheaper call path for small blocks.
 */
public interface NativeBackend {

    /** @return {@code malloc(size)}, or 0 when it failed */
    long malloc(long size);

    /** @return {@code calloc(1, size)} (zeroed), or 0 when it failed */
    long calloc(long size);

    /**
     * @param alignment a power of two greater than 16
     * @param size a multiple of {@code alignment}
     * @return {@code aligned_alloc(alignment, size)}: memory aligned to {@code alignment}, not
     *     initialised (the allocator zeroes only the bytes it hands out, not the padding), or 0 when it
     *     failed
     */
    long aligned(long alignment, long size);

    /** @return {@code realloc(address, size)}, or 0 when it failed (then {@code address} is untouched) */
    long realloc(long address, long size);

    /** {@code free(address)}; {@code size} is what was allocated there. */
    void free(long address, long size);
}
