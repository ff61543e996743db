package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A shared SafeAlloc arena, like {@link Arena#ofShared()}: any thread may allocate from it, access
 * its segments and close it. The block list is guarded by this arena's lock (held for the list only,
 * never while {@code malloc} or the handlers run). Closing pays what closing the JDK's shared arena
 * pays (a handshake with every thread, so that none is still accessing a segment), plus one
 * {@code free} per block.
 *
 * <p>When its owner (bundle) closes, the release closes it, unless a native call holds one of its
 * segments then: it is <em>revoked</em> instead, as a confined arena of a running thread is. It
 * takes no allocation any more ({@link IllegalStateException}); its segments stay valid until a
 * {@code close} (which then frees it) or, if it is dropped, until a {@link java.lang.ref.Cleaner}
 * frees its blocks once the scope (and so every segment) is unreachable.
 */
final class SharedSafeArena extends SafeArena {

    /** Guarded by this. */
    private boolean closed;
    /** Closed or revoked by the release of its owner (guarded by this). */
    private boolean released;

    SharedSafeArena(Arenas arenas, Account account) {
        super(Arena.ofShared(), new ArenaBlocks(arenas, account));
    }

    @Override
    MemorySegment allocateChecked(long byteSize, long byteAlignment) {
        synchronized (this) {
            if (closed || released) {
                throw closedAlready("allocate");
            }
        }
        long address = arenas().allocate(account(), byteSize, byteAlignment);
        long accounted = Arenas.accounted(byteSize, byteAlignment);
        MemorySegment segment = null;
        synchronized (this) {
            if (!closed && !released) {
                blocks.addOrDiscard(address, accounted);
                blocks.book(accounted);
                segment = segment(address, byteSize);
            }
        }
        if (segment != null) {
            try {
                return zeroed(segment); // a close meanwhile makes this throw, as any access would
            } catch (IllegalStateException closedMeanwhile) {
                synchronized (this) {
                    if (released) { // the owner's stop closed it: say so, as every later call does
                        IllegalStateException revoked = arenas().revoked(account());
                        revoked.initCause(closedMeanwhile);
                        throw revoked;
                    }
                }
                throw closedMeanwhile;
            }
        }
        arenas().discard(account(), address, accounted); // closed while malloc ran
        synchronized (this) {
            throw closedAlready("allocate");
        }
    }

    /** Guarded by this. */
    private IllegalStateException closedAlready(String what) {
        return released ? arenas().revoked(account())
                : new IllegalStateException(what + ": this SafeAlloc arena is already closed");
    }

    /**
     * Closes and frees. After the owner (bundle) stopped, the release closed it (this does nothing)
     * or revoked it (this closes and frees it).
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                if (released) {
                    return;
                }
                throw closedAlready("close");
            }
            scope.close(); // throws (nothing changed) while a native call holds one of its segments
            closed = true;
        }
        blocks.freeAll(); // after a revocation: or the cleaner did already, or does nothing when it runs
    }

    @Override
    ArenaLeak closeForRelease() {
        int count;
        long bytes;
        synchronized (this) {
            if (closed || released) {
                return null;
            }
            count = blocks.count();
            bytes = blocks.bytes();
            released = true;
            try {
                scope.close();
            } catch (IllegalStateException inUse) { // a native call holds a segment: revoked, see above
                arenas().freeWhenUnreachable(scope.scope(), blocks);
                return new ArenaLeak(count, bytes, false);
            }
            closed = true;
        }
        blocks.freeAll();
        return new ArenaLeak(count, bytes, true);
    }
}
