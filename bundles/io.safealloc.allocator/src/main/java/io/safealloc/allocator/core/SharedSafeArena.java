package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A shared SafeAlloc arena, like {@link Arena#ofShared()}: any thread may allocate from it, access
 * its segments and close it. The block list is guarded by this arena's lock (held for the list only,
 * never while {@code malloc} or the handlers run). Closing pays what closing the JDK's shared arena
 * pays (a handshake with every thread, so that none is still accessing a segment), plus one
 * {@code free} per block.
 */
final class SharedSafeArena extends SafeArena {

    /** Guarded by this. */
    private boolean closed;

    SharedSafeArena(Arenas arenas, Account account) {
        super(arenas, account, Arena.ofShared());
    }

    @Override
    MemorySegment allocateChecked(long byteSize, long byteAlignment) {
        synchronized (this) {
            if (closed) {
                throw closedAlready("allocate");
            }
        }
        long address = arenas.allocate(account, byteSize, byteAlignment);
        long accounted = Arenas.accounted(byteSize, byteAlignment);
        MemorySegment segment = null;
        synchronized (this) {
            if (!closed) {
                blocks.add(address, accounted);
                segment = segment(address, byteSize);
            }
        }
        if (segment != null) {
            return zeroed(segment); // a close meanwhile makes this throw, as any access would
        }
        arenas.discard(account, address, accounted); // closed while malloc ran
        throw closedAlready("allocate");
    }

    private static IllegalStateException closedAlready(String what) {
        return new IllegalStateException(what + ": this SafeAlloc arena is already closed");
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                throw closedAlready("close");
            }
            scope.close(); // throws (nothing changed) while a native call holds one of its segments
            closed = true;
        }
        blocks.freeAll();
    }

    @Override
    ArenaLeak closeForRelease() {
        int count;
        long bytes;
        synchronized (this) {
            if (closed) {
                return null;
            }
            count = blocks.count();
            bytes = blocks.bytes();
            try {
                scope.close();
            } catch (IllegalStateException inUse) {
                return new ArenaLeak(count, bytes, false);
            }
            closed = true;
        }
        blocks.freeAll();
        return new ArenaLeak(count, bytes, true);
    }
}
