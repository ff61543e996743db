package io.safealloc.allocator.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The arenas one owner opened that may still be open: a lock-free list linked through the arenas
 * themselves ({@link SafeArena#next}), so that opening an arena costs one compare-and-set and
 * closing one costs nothing here. Closed arenas are skipped when an arena is pushed on top of them,
 * and unlinked by a sweep every {@value #SWEEP_EVERY} pushes; an owner's release and a holdings scan
 * skip them.
 *
 * <p>Why it is safe without a lock: arenas are only ever inserted at the head (by compare-and-set),
 * and only closed arenas are unlinked, by making a predecessor skip them; an unlinked arena's own
 * link is never changed, so a walk that stands on it still reaches everything after it. Two sweeps
 * racing can leave a closed arena linked (harmless: the next sweep takes it), never unlink an open one.
 */
final class OpenArenas {

    /** A power of two (the count is masked, not divided). */
    private static final int SWEEP_EVERY = 64;
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(OpenArenas.class, "head", SafeArena.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through HEAD
    private volatile SafeArena head;
    /** A heuristic count (racy increments lose a few; that only delays a sweep). */
    private int pushes;

    void add(SafeArena arena) {
        for (;;) {
            SafeArena top = head;
            SafeArena next = top;
            while (next != null && !next.isOpen()) {
                next = next.next;
            }
            arena.next = next;
            if (HEAD.compareAndSet(this, top, arena)) {
                break;
            }
        }
        if ((++pushes & (SWEEP_EVERY - 1)) == 0) {
            sweep();
        }
    }

    private void sweep() {
        for (SafeArena at = head; at != null;) {
            SafeArena next = at.next;
            while (next != null && !next.isOpen()) {
                next = next.next;
            }
            at.next = next;
            at = next;
        }
    }

    /** Hands every arena that is open now (and maybe some that are closing) to {@code action}. */
    void forEachOpen(Consumer<SafeArena> action) {
        for (SafeArena at = head; at != null; at = at.next) {
            if (at.isOpen()) {
                action.accept(at);
            }
        }
    }
}
