package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
    private final AtomicLong live = new AtomicLong();

    /** @return the segment to hand out for a fresh allocation */
    MemorySegment segment(long address, long size, Safety safety) {
        if (safety == Safety.FAST) {
            return MemorySegment.ofAddress(address).reinterpret(size);
        }
        Arena arena = Arena.ofShared();
        arenas.put(address, arena);
        live.incrementAndGet();
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
            throw stale(operation, address);
        }
        if (live.get() == 0 && scope.equals(GLOBAL)) {
            return null;
        }
        Arena arena = arenas.get(address);
        if (arena == null) {
            return null; // a FAST allocation, or not ours at all: the live table decides
        }
        if (!arena.scope().equals(scope)) {
            throw stale(operation, address);
        }
        return arena;
    }

    /**
     * Ends the lifetime of the segment at {@code address}.
     *
     * @throws IllegalStateException if a native call holds the segment (its arena cannot close yet)
     */
    void end(long address, Arena arena) {
        if (arena == null) {
            return;
        }
        arena.close(); // throws while a downcall keeps the segment acquired; then nothing changed
        if (arenas.remove(address, arena)) {
            live.decrementAndGet();
        }
    }

    /** Ends the lifetime at {@code address} if it has one (an owner's memory being released). */
    void endIfAny(long address) {
        end(address, arenas.get(address));
    }

    private static IllegalArgumentException stale(String operation, long address) {
        return new IllegalArgumentException(String.format("%s: the segment at 0x%x was already freed (its lifetime "
                + "has ended; the address may since have been handed out again); nothing was changed", operation, address));
    }
}
