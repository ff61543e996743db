package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A confined SafeAlloc arena, like {@link Arena#ofConfined()}: only the thread that opened it may
 * allocate from it, access its segments and close it (others get {@link WrongThreadException}).
 * Because only that thread touches its block list, allocating and closing take no lock.
 *
 * <p>When its owner (bundle) closes, the release runs on another thread and cannot close the inner
 * confined scope. If the arena's thread has ended, nobody can reach the segments any more and the
 * release frees the blocks at once. Otherwise the arena is <em>revoked</em>: its next
 * {@code allocate} or {@code close} on its thread closes it (the allocate then throws
 * {@link IllegalStateException}); until then its segments stay valid, and if the thread drops the
 * arena without closing it, a {@link java.lang.ref.Cleaner} frees the blocks once the scope (and
 * so every segment) is unreachable. Freeing earlier would leave live segments on freed memory.
 */
final class ConfinedSafeArena extends SafeArena {

    private final Thread thread;
    /** Owner thread only. */
    private boolean closed;
    /** Set by the release of the owner, from another thread. */
    private volatile boolean revoked;

    ConfinedSafeArena(Arenas arenas, Account account) {
        super(arenas, account, Arena.ofConfined());
        this.thread = Thread.currentThread();
    }

    @Override
    MemorySegment allocateChecked(long byteSize, long byteAlignment) {
        checkUsable("allocate");
        long address = arenas.allocate(account, byteSize, byteAlignment);
        blocks.add(address, Arenas.accounted(byteSize, byteAlignment));
        if (revoked) { // the owner closed while this call ran: the block is in the list, freed with it
            closeRevoked();
            throw arenas.revoked(account);
        }
        return zeroed(segment(address, byteSize));
    }

    private void checkUsable(String what) {
        if (Thread.currentThread() != thread) {
            throw new WrongThreadException(what + ": this SafeAlloc arena is confined to thread " + thread.getName()
                    + " (use a shared arena to allocate from several threads)");
        }
        if (closed) {
            throw new IllegalStateException(what + ": this SafeAlloc arena is already closed");
        }
        if (revoked) {
            closeRevoked();
            throw arenas.revoked(account);
        }
    }

    /**
     * Closes and frees, on the owner thread only. After the owner (bundle) stopped, it frees what the
     * release could not and throws nothing: the arena is closed, as the caller wanted.
     */
    @Override
    public void close() {
        if (Thread.currentThread() != thread) {
            throw new WrongThreadException("close: this SafeAlloc arena is confined to thread " + thread.getName()
                    + "; nothing was freed");
        }
        if (closed) {
            if (revoked) {
                return; // closed because its owner stopped (a try-with-resources still closes it)
            }
            throw new IllegalStateException("close: this SafeAlloc arena is already closed");
        }
        scope.close(); // throws (nothing changed) while a native call holds one of its segments
        closed = true;
        blocks.freeAll(); // after a release: or the cleaner did already
    }

    private void closeRevoked() {
        scope.close();
        closed = true;
        blocks.freeAll(); // or the cleaner already did, or does nothing when it runs
    }

    @Override
    ArenaLeak closeForRelease() {
        if (!isOpen()) {
            return null;
        }
        if (Thread.currentThread() == thread) {
            int count = blocks.count();
            long bytes = blocks.bytes();
            revoked = true; // a later close() by its thread is then a no-op, as after any release
            try {
                closeRevoked();
            } catch (IllegalStateException inUse) {
                return new ArenaLeak(count, bytes, false);
            }
            return new ArenaLeak(count, bytes, true);
        }
        int count = blocks.count();
        long bytes = blocks.bytes();
        if (!thread.isAlive()) {
            // Nobody can reach a confined segment of a thread that has ended.
            return blocks.freeAll() ? new ArenaLeak(count, bytes, true) : null;
        }
        revoked = true;
        arenas.freeWhenUnreachable(scope.scope(), blocks);
        return new ArenaLeak(count, bytes, false);
    }
}
