package io.safealloc.api;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
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
 *
 * <p><b>FFM idioms</b> (since 1.1): the service is itself a {@link SegmentAllocator}, so code written
 * for the FFM API (jextract bindings taking a {@code SegmentAllocator}, {@code allocateFrom("text")},
 * {@code allocate(layout, count)}) allocates checked memory, freed with {@link #rFree}. And it opens
 * {@link Arena}s ({@link #confinedArena()}, {@link #sharedArena()}) whose every allocation is checked
 * and accounted to this bundle, and whose memory is freed all at once when the arena closes:
 * <pre>{@code
 * try (Arena arena = mem.confinedArena()) {
 *     MemorySegment name = arena.allocateFrom("sensor-1");      // budget, quota, handlers apply
 *     long length = (long) STRLEN.invokeExact(name);            // any FFM downcall
 * }                                                              // freed; the segments are now invalid
 * }</pre>
 */
@ProviderType
public interface AllocatorService extends SegmentAllocator {

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
     * A checked allocation, as {@link #rAlloc} (the same budget, quota, handlers and accounting, the
     * same cost), for the {@link SegmentAllocator} methods built on it ({@code allocateFrom},
     * {@code allocate(layout)}, ...). The memory is native, has the global scope and is the caller's
     * until {@link #rFree} (nothing frees it on its own: use an {@linkplain #confinedArena() arena} for
     * memory that should die with a scope).
     *
     * <p>An alignment up to 16 is what {@code malloc} gives anyway: the memory is allocated exactly as
     * {@link #rAlloc} allocates it, not initialised. A larger alignment is honoured by over-aligned
     * allocation ({@code aligned_alloc}): the block is rounded up to a multiple of the alignment, that
     * padded size is what is accounted and what the budgets see, and the memory is zeroed, as
     * {@link #rAllocType} does.
     *
     * @param byteSize bytes to allocate, 0 or more
     * @param byteAlignment a power of two
     * @return the memory, never {@code null} nor {@link MemorySegment#NULL}
     * @throws IllegalArgumentException if {@code byteSize} is negative or {@code byteAlignment} is not
     *     a positive power of two (nothing allocated, no handler called)
     * @throws MemoryAllocationException if the handlers decided the allocation fails
     * @since 1.1
     */
    @Override
    MemorySegment allocate(long byteSize, long byteAlignment);

    /**
     * Opens a confined arena, as {@link Arena#ofConfined()} does, but every allocation from it is a
     * checked allocation of this bundle (budget, bundle quota, ranked handlers, the failure exception
     * with the top holders; accounted to this bundle in {@link MemStats} and {@link #holdings()}).
     *
     * <p><b>Threads:</b> only the calling thread may allocate from it, access its segments and close
     * it; any other thread gets {@link WrongThreadException} (for close too, and nothing is freed).
     *
     * <p><b>Close:</b> {@code close()} frees every block at once; afterwards every segment it handed
     * out, and every slice of one, fails on access with {@link IllegalStateException} (the JDK's own
     * scope check: in every safety mode, never a read of freed memory). A second {@code close()},
     * and {@code allocate} on a closed arena, throw {@link IllegalStateException}. While a native
     * call holds one of its segments ({@code Linker} downcall with that arena's memory), closing
     * throws {@link IllegalStateException} and nothing is freed.
     *
     * <p><b>Memory:</b> {@code allocate(size, alignment)} returns zero-initialised memory (as the
     * JDK's arenas do), aligned to {@code alignment} and to 16 bytes at least. The bytes accounted
     * are the bytes requested: small blocks are carved from larger native chunks the arena takes,
     * whose unused rest is overhead, as {@code malloc}'s own headers are for {@link #rAlloc}; an
     * alignment above 16 pads the block to a multiple of it, and the padded size is accounted.
     * {@link #rFree} and {@link #rRealloc} reject its segments with
     * {@link IllegalArgumentException} (the arena owns them).
     *
     * <p><b>Bundle stop:</b> when this bundle stops with the arena open, the arena is closed and
     * reported as a leak ({@link MemoryEvents#LEAK} with {@link MemoryEvents#ARENAS}, the log); if the
     * arena's thread has ended, its memory is freed at once. If that thread still runs, the memory is
     * freed at the thread's next use of the arena ({@code allocate} then throws
     * {@link IllegalStateException}, as does any later use) or, if the thread drops the arena without
     * closing it, once the arena and every segment of it are unreachable; until then its segments
     * stay valid (freeing them under a running thread could crash the process).
     *
     * @return a new open arena owned by the calling thread
     * @throws IllegalStateException if this service's bundle has stopped
     * @since 1.1
     */
    Arena confinedArena();

    /**
     * Opens a shared arena, as {@link Arena#ofShared()} does, but every allocation from it is a
     * checked allocation of this bundle, as for {@link #confinedArena()}.
     *
     * <p><b>Threads:</b> any thread may allocate from it, access its segments and close it; exactly
     * one {@code close()} succeeds, every other (concurrent or later) throws
     * {@link IllegalStateException}. Closing costs what closing {@link Arena#ofShared()} costs (the
     * JDK makes sure no thread is still accessing a segment), plus one {@code free} per block.
     *
     * <p>Close, memory and rFree: as {@link #confinedArena()}. <b>Bundle stop:</b> the arena is
     * closed from the stopping thread, its memory freed at once and reported as a leak.
     *
     * @return a new open arena usable from any thread
     * @throws IllegalStateException if this service's bundle has stopped
     * @since 1.1
     */
    Arena sharedArena();

    /**
     * Scans every live allocation and sums them per bundle: for leak hunting and management tools.
     * The cost grows with the number of live allocations (unlike {@link #stats()}); it takes no lock
     * and sees a weakly consistent view while other threads allocate.
     *
     * @return per bundle holding memory (live allocations or open arenas), largest
     *     {@link Holding#bytes()} first
     */
    List<Holding> holdings();

    /**
     * @return a snapshot of the allocator's figures: global (with this view's bundle among
     *     {@link MemStats#bundles()})
     */
    MemStats stats();
}
