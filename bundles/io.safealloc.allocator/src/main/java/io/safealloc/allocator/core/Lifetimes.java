package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lifetimes of segments handed out in {@link Safety#CHECKED} mode: one shared arena per
 * allocation, keyed by address. Ending a lifetime closes the arena, so every view of the segment
 * (slices included) fails on access from then on, and a later rFree of it is recognised as stale by
 * its closed scope even when malloc has given the address to a new allocation.
 *
 * <p>FAST segments have the global scope and no entry here; the check for them is a volatile read
 * and a scope comparison, so FAST mode pays (almost) nothing for CHECKED mode existing. Both kinds
 * can be live at once: the mode can change at runtime.
 */
final class Lifetimes {

    private static final MemorySegment.Scope GLOBAL = MemorySegment.NULL.scope();
    private final ConcurrentHashMap<Long, Arena> arenas = new ConcurrentHashMap<>();
    /**
     * The scopes of every CHECKED lifetime begun, held weakly: a segment whose scope is closed is
     * then told apart as one of ours (freed here) or a closed arena's of someone else.
     */
    private final Set<MemorySegment.Scope> begun = Collections.synchronizedSet(Collections.newSetFromMap(
            new WeakHashMap<>()));

    /**
     * @return the segment to hand out for a fresh FAST allocation: global scope, no lifetime. Made
     *     with {@code reinterpret}, a restricted method (one caller check per allocation), rather than
     *     as a slice of one all-of-memory segment: the slice runs fewer instructions but measured
     *     slower in time (docs/benchmarks.md, "Old build against new").
     */
    static MemorySegment fast(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    /**
     * FAST's common case, decided inline: a global-scope segment while no CHECKED lifetime exists
     * needs no {@link #verify} (which returns an {@link Arena}: a method whose signature names a
     * class the JIT has not seen loaded is never inlined, and FAST mode may never load one).
     *
     * @return whether {@link #verify} would return {@code null} without a lookup
     */
    boolean needsNoLookup(MemorySegment segment) {
        return arenas.isEmpty() && segment.scope() == GLOBAL;
    }

    /**
     * Begins the lifetime of a fresh CHECKED allocation; it is registered before its segment exists,
     * so that whoever ends it (rFree, a resize, the owner's release) finds it.
     */
    Arena begin(long address) {
        Arena arena = Arena.ofShared();
        begun.add(arena.scope());
        arenas.put(address, arena);
        return arena;
    }

    /** @return the segment to hand out for a CHECKED allocation: valid exactly as long as {@code arena} */
    static MemorySegment checked(long address, long size, Arena arena) {
        return MemorySegment.ofAddress(address).reinterpret(size, arena, null);
    }

    /**
     * Checks that {@code segment} is the one currently live at {@code address}.
     *
     * @return its arena, or {@code null} for a FAST segment
     * @throws IllegalArgumentException if the segment's lifetime has ended (a stale segment)
     */
    Arena verify(String operation, MemorySegment segment, long address) {
        MemorySegment.Scope scope = segment.scope();
        if (!scope.isAlive()) {
            throw begun.contains(scope) ? stale(operation, address) : closedArena(operation, address);
        }
        if (scope.equals(GLOBAL)) {
            if (arenas.isEmpty()) { // FAST only: no lookup (and no boxed key) on rFree
                return null;
            }
            if (arenas.containsKey(address)) {
                // A global segment at a live CHECKED allocation's address: not the one handed out
                // (typically rebuilt with MemorySegment.ofAddress). Saying "already freed" here would
                // send the user looking for a double free that never happened.
                throw notTheHandedOutSegment(operation, address);
            }
            return null; // a FAST allocation, or not ours at all: the live table decides
        }
        Arena arena = arenas.get(address);
        if (arena != null && arena.scope().equals(scope)) {
            return arena;
        }
        if (begun.contains(scope)) {
            // One of our lifetimes, alive but no longer registered: another call on this segment (a
            // free or a resize) has claimed it. Going on would reach whatever that call put there.
            throw claimed(operation, address);
        }
        if (arena != null) {
            throw notTheHandedOutSegment(operation, address);
        }
        return null; // someone else's live arena: the live table decides
    }

    /**
     * Ends the lifetime of the segment at {@code address}, unless another path ended it first:
     * whoever removes the registration closes the arena, so two paths never both close it.
     *
     * @throws IllegalStateException if a native call holds the segment (its arena cannot close yet);
     *     then nothing changed
     */
    void end(long address, Arena arena) {
        if (arena == null || !arenas.remove(address, arena)) {
            return;
        }
        try {
            arena.close();
        } catch (IllegalStateException inUse) {
            arenas.put(address, arena);
            throw inUse;
        }
    }

    /** Ends the lifetime at {@code address} if it has one (an owner's memory being released). */
    void endIfAny(long address) {
        end(address, arenas.get(address));
    }

    /**
     * Unregisters the lifetime at {@code address} without ending it, before a resize hands the block
     * to libc realloc: once realloc has moved the block, libc may give the old address to another
     * thread at once, and a registration left behind would make that allocation look like someone
     * else's. {@link #reattach} undoes it when the resize fails; {@link #closeDetached} ends it when
     * the resize succeeds.
     *
     * <p>Unregistering is also the claim: of two calls on the same CHECKED segment (two resizes, a
     * resize and a free) only the one that removes the registration goes on, so the stale one can
     * never reach the block that the other one's resize put at the same address.
     *
     * @return whether this call claimed it ({@code true} for a FAST segment, which has none)
     */
    boolean detach(long address, Arena arena) {
        return arena == null || arenas.remove(address, arena);
    }

    /** A failed resize: the original segment is registered (and valid) again. */
    void reattach(long address, Arena arena) {
        if (arena != null) {
            arenas.put(address, arena);
        }
    }

    /**
     * Ends a detached lifetime.
     *
     * @throws IllegalStateException if a native call holds the segment
     */
    static void closeDetached(Arena arena) {
        if (arena != null) {
            arena.close();
        }
    }

    private static IllegalArgumentException notTheHandedOutSegment(String operation, long address) {
        return new IllegalArgumentException(String.format("%s: 0x%x is a live CHECKED allocation, but this segment is not "
                + "the one handed out for it (rebuilt from a raw address?); pass the segment the allocator returned; "
                + "nothing was changed", operation, address));
    }

    private static IllegalArgumentException claimed(String operation, long address) {
        return new IllegalArgumentException(String.format("%s: the segment at 0x%x is being freed or resized by "
                + "another call (its lifetime is ending); nothing was changed", operation, address));
    }

    private static IllegalArgumentException closedArena(String operation, long address) {
        return new IllegalArgumentException(String.format("%s: the segment at 0x%x belongs to an Arena that is "
                + "closed, not to this allocator (the arena freed it when it closed); nothing was changed",
                operation, address));
    }

    private static IllegalArgumentException stale(String operation, long address) {
        return new IllegalArgumentException(String.format("%s: the segment at 0x%x was already freed (its lifetime "
                + "has ended; the address may since have been handed out again); nothing was changed", operation, address));
    }
}
