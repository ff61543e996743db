package io.safealloc.api;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Checked native-memory allocation, in the vocabulary of EmbedThis Ioto's {@code rAlloc} family.
 *
 * <p><b>Implemented by</b> the SafeAlloc allocator bundle, which registers it with bundle scope:
 * every bundle that gets the service gets its own view, and what it allocates is accounted to it.
 * When the bundle stops, its outstanding allocations are reported as leaks and freed; releasing the
 * service while the bundle stays active frees nothing (the memory stays the bundle's, and the next
 * {@code getService} returns the same view). When the allocator itself is stopped, everything it
 * handed out is freed. Bundles use this type; they never implement it.
 *
 * <p><b>Checked:</b> no method returns {@code null} or {@link MemorySegment#NULL}. When an
 * allocation cannot be satisfied (budget reached, {@code malloc} failed, request too big) the
 * {@link MemHandler}s decide: retry, fail the call with {@link MemoryAllocationException}, or abort
 * the process. Callers therefore never test the result.
 *
 * <p><b>Segments:</b> returned segments are native, have the global scope (they are valid until
 * {@link #rFree}), and are at least 16-byte aligned. Accessing a segment after freeing it is a
 * use-after-free, as in C.
 *
 * <p><b>Threading:</b> every method is thread-safe and lock-free on its fast path; memory may be
 * allocated by one thread and freed by another, and freed through another bundle's view (it is
 * credited back to the bundle that allocated it).
 */
@ProviderType
public interface AllocatorService {

    /**
     * Allocates {@code size} bytes of native memory, 16-byte aligned, not initialised.
     *
     * @param size bytes to allocate; 0 gives a valid zero-length segment that {@link #rFree} accepts
     * @return the memory, never {@code null} nor {@link MemorySegment#NULL}
     * @throws IllegalArgumentException if {@code size} is negative (nothing allocated, no handler
     *     called)
     * @throws MemoryAllocationException if the handlers decided the allocation fails
     */
    MemorySegment rAlloc(long size);

    /**
     * Allocates zero-filled memory sized and aligned for {@code layout} (Ioto's {@code rAllocType}).
     *
     * @param layout the layout; its {@code byteSize()} and {@code byteAlignment()} are honoured
     * @return zeroed memory of {@code layout.byteSize()} bytes, aligned to at least
     *     {@code max(16, layout.byteAlignment())}
     * @throws NullPointerException if {@code layout} is null
     * @throws MemoryAllocationException if the handlers decided the allocation fails
     */
    MemorySegment rAllocType(MemoryLayout layout);

    /**
     * Resizes memory, as C {@code realloc}: the contents are preserved up to the smaller of the old
     * and new sizes; the result may be at a new address, in which case {@code segment} must no
     * longer be used. The result is 16-byte aligned (a larger alignment is not preserved). The
     * accounting moves with it (to the bundle that allocated the original).
     *
     * @param segment memory from this allocator; {@code null} or {@link MemorySegment#NULL} behaves
     *     as {@link #rAlloc}
     * @param newSize the new size in bytes; 0 keeps a valid zero-length allocation
     * @return the resized memory
     * @throws IllegalArgumentException if {@code newSize} is negative, or {@code segment} was not
     *     handed out by this allocator or was already freed (nothing changes)
     * @throws MemoryAllocationException if the handlers decided the resize fails; then
     *     {@code segment} stays valid and accounted, exactly as with C realloc
     */
    MemorySegment rRealloc(MemorySegment segment, long newSize);

    /**
     * Copies {@code source} (native or heap) into newly allocated native memory.
     *
     * @param source the bytes to copy
     * @return a native copy of {@code source.byteSize()} bytes
     * @throws NullPointerException if {@code source} is null
     * @throws MemoryAllocationException if the handlers decided the allocation fails
     */
    MemorySegment rMemdup(MemorySegment source);

    /**
     * Frees memory this allocator handed out (or {@linkplain #adopt adopted}). {@code null} and
     * {@link MemorySegment#NULL} are ignored, as {@code free(NULL)} is.
     *
     * <p>Memory that this allocator did not hand out, a segment whose address lies inside an
     * allocation rather than at its start, and memory that was already freed are rejected with
     * {@link IllegalArgumentException}; they never reach libc {@code free}, and the accounting is
     * unchanged. (In the default FAST mode an address that {@code malloc} has since handed out again
     * cannot be told apart from a stale one.)
     *
     * @param segment the memory to free
     * @throws IllegalArgumentException as above
     */
    void rFree(MemorySegment segment);

    /**
     * Takes ownership of native memory obtained with {@code malloc} (or {@code calloc},
     * {@code realloc}) outside this allocator, for example the result of a C library called through
     * the FFM API. From then on it is accounted to the calling bundle, and {@link #rFree} or
     * {@link #rRealloc} accept it. Adopting memory never fails for budget reasons (the memory already
     * exists), but it counts towards the budgets and may raise {@link Cause#WARNING}.
     *
     * @param nativeMemory the address returned by {@code malloc}; its size is ignored
     * @param size the size that was requested from {@code malloc}
     * @return a segment of {@code size} bytes at that address
     * @throws IllegalArgumentException if the segment is not native, is NULL, is not aligned as
     *     {@code malloc} aligns, {@code size} is negative or too big to track, or the address is
     *     already owned by this allocator (double adopt)
     */
    MemorySegment adopt(MemorySegment nativeMemory, long size);

    /**
     * Scans every live allocation and sums them per bundle: for leak hunting and management tools.
     * The cost grows with the number of live allocations (unlike {@link #stats()}); it takes no lock
     * and sees a weakly consistent view while other threads allocate.
     *
     * @return per bundle holding memory, largest {@link Holding#bytes()} first
     */
    List<Holding> holdings();

    /**
     * @return a snapshot of the allocator's figures: global (with this view's bundle among
     *     {@link MemStats#bundles()})
     */
    MemStats stats();
}
