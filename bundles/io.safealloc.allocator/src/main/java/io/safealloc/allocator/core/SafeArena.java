package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An {@link Arena} whose every allocation is a checked allocation of its owner (budget, quota,
 * handlers, accounting: {@link Arenas#allocate}) and whose blocks die together when it closes.
 *
 * <p>The segments it hands out are scoped to an inner JDK arena used only as their scope
 * ({@link #scope}): closing that inner arena is what makes every segment of this arena, and every
 * slice of one, fail on access with the JDK's own {@link IllegalStateException}, whatever the
 * allocator's {@link Safety} mode. The memory itself comes from {@code malloc} (through the
 * {@link NativeBackend}), is zero-initialised as the JDK's arenas zero theirs, and is kept in the
 * arena's own block list ({@link ArenaBlocks}), never in the live table: an arena pays neither the
 * table nor per-block frees of the books.
 *
 * <p>The two kinds differ in their thread rules only: {@link ConfinedSafeArena}, {@link SharedSafeArena}.
 */
abstract sealed class SafeArena implements Arena permits ConfinedSafeArena, SharedSafeArena {

    /** Only the scope of the segments: it never allocates. */
    final Arena scope;
    final ArenaBlocks blocks;
    /** The next arena in its opening thread's {@link OpenArenas} (written as {@link OpenArenas} says). */
    SafeArena next;

    SafeArena(Arena scope, ArenaBlocks blocks) {
        this.scope = scope;
        this.blocks = blocks;
    }

    // The Arenas and the owner are reached through the blocks, which need them anyway: an arena that
    // kept its own copies would store two references more when it opens, each with a GC barrier.

    /** @return the allocator's arenas, which serve this one's allocations */
    final Arenas arenas() {
        return blocks.arenas;
    }

    /** @return the owner it allocates for */
    final Account account() {
        return blocks.account;
    }

    /** @return until its blocks are freed (read by other threads: the registry, holdings, a release) */
    final boolean isOpen() {
        return !blocks.isFreed();
    }

    @Override
    public final MemorySegment.Scope scope() {
        return scope.scope();
    }

    @Override
    public final MemorySegment allocate(long byteSize, long byteAlignment) {
        Arenas.checkRequest(byteSize, byteAlignment);
        return allocateChecked(byteSize, byteAlignment);
    }

    abstract MemorySegment allocateChecked(long byteSize, long byteAlignment);

    /**
     * The segment for a block just added: scoped to this arena (which must be open). Not zeroed yet:
     * the caller zeroes it ({@link #zeroed}) once the arena's lock, if any, is released.
     */
    final MemorySegment segment(long address, long byteSize) {
        return MemorySegment.ofAddress(address).reinterpret(byteSize, scope, null);
    }

    /** Zero-initialised, as the JDK's arenas hand out their segments. */
    static MemorySegment zeroed(MemorySegment segment) {
        return segment.fill((byte) 0);
    }

    /**
     * Closes the arena because its owner (bundle) closed, from whichever thread releases the owner.
     *
     * @return what it still held, or {@code null} when it was closed meanwhile
     */
    abstract ArenaLeak closeForRelease();

    /** What an arena still held when its owner closed. */
    record ArenaLeak(int blocks, long bytes, boolean freed) {
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + blocks.account.owner.name() + ", " + blocks.count() + " blocks, "
                + blocks.bytes() + " bytes" + (isOpen() ? "" : ", closed") + "]";
    }
}
