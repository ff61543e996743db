package io.safealloc.allocator.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The arenas one thread opened for one owner (the list of its {@link AccountLedger}) that may
 * still be open: a list linked through the arenas themselves ({@link SafeArena#next}) that only
 * that thread writes, so that opening an arena costs plain stores here and closing one costs
 * nothing. Closed arenas are skipped when an arena is pushed on top of them, and unlinked by a
 * sweep every {@value #SWEEP_EVERY} pushes; the owner's release and a holdings scan skip them.
 * Once the thread has ended, its ledger folds and the owner keeps the list ({@link Account}).
 *
 * <p>Opening races the owner's release, which must close every arena opened before it: the release
 * sets the owner's {@code closed} flag and then reads this list; an open announces itself
 * ({@link #beginOpen}), then reads the flag, and only then makes and lists the arena. The
 * announcement is a volatile store, so of the two, at least one sees the other's write (the full
 * fence of a volatile store, paid before the arena's objects are made, when few stores are
 * pending): either the open sees the owner closed and makes nothing, or the release sees the open
 * in flight and {@linkplain #awaitOpen waits} for it to be listed. A compare-and-set on a list
 * shared by the owner's threads would cost a fence as well, after those stores.
 *
 * <p>The head is not a field of this object but of a small {@link Head} it refers to, which the
 * list replaces by a new one (holding the arena pushed) every {@value #SWEEP_EVERY} pushes. This is
 * for G1 (the default collector): storing a reference to a new object into an old one from another
 * region costs its post-write barrier a full fence (JDK 25), and this list outlives its arenas, so
 * pushing onto it directly paid one per open. A head made within the last {@value #SWEEP_EVERY}
 * pushes of a busy thread is still young (eden or survivor), and a store into a young object skips
 * that fence: only the replacement pays it, once per {@value #SWEEP_EVERY} opens. A thread that
 * opens seldom may find its head promoted and pay the fence, seldom.
 *
 * <p>Why walking is safe while the thread pushes and sweeps: arenas are only inserted at the head
 * (published by a release store), and only closed arenas are unlinked, by making a predecessor
 * skip them; an unlinked arena's own link is never changed, so a walk that stands on it still
 * reaches everything after it. A walk that read a head before it was replaced misses the arenas
 * pushed since, as it would had it started earlier: the release, the one walk that must see them
 * all, reads the head after {@link #awaitOpen}, whose acquire sees the replacement the open
 * published before its {@link #endOpen}.
 */
final class OpenArenas {

    /** A power of two (the count is masked, not divided). */
    private static final int SWEEP_EVERY = 64;
    private static final VarHandle HEAD;
    private static final VarHandle ARENA;
    private static final VarHandle OPENING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(OpenArenas.class, "head", Head.class);
            ARENA = lookup.findVarHandle(Head.class, "arena", SafeArena.class);
            OPENING = lookup.findVarHandle(OpenArenas.class, "opening", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The arena last pushed, boxed so that the box stays young (see above). */
    private static final class Head {
        @SuppressWarnings("unused") // through ARENA
        SafeArena arena;
    }

    /** Written by the list's thread only (but for {@link #clear}, once no open can follow). */
    private Head head = new Head();
    /** Set while its thread opens an arena, from before it reads the owner's state until the arena is listed. */
    private volatile boolean opening;
    private int pushes;

    /**
     * Announces an open (the writing thread only): a volatile store, so the caller's next read of
     * the owner's {@code closed} flag cannot pass it. Always followed by {@link #endOpen}.
     */
    void beginOpen() {
        opening = true;
    }

    /** Ends the announcement, once the arena is listed or the open failed (a release store: the listing is seen with it). */
    void endOpen() {
        OPENING.setRelease(this, false);
    }

    /**
     * Waits while an open is in flight (its thread is between {@link #beginOpen} and
     * {@link #endOpen}: a few allocations of objects), so that the arena it makes is listed before
     * the caller walks the list. Called after the owner's {@code closed} flag was set: a later open
     * sees it and makes nothing.
     */
    void awaitOpen() {
        for (int spins = 0; (boolean) OPENING.getVolatile(this); spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // its thread may be descheduled: let it run
            }
        }
    }

    /** Lists an arena (the writing thread only, between {@link #beginOpen} and {@link #endOpen}). */
    void add(SafeArena arena) {
        Head top = head;
        SafeArena next = top.arena;
        while (next != null && !next.isOpen()) {
            next = next.next;
        }
        arena.next = next;
        if ((++pushes & (SWEEP_EVERY - 1)) != 0) {
            ARENA.setRelease(top, arena);
            return;
        }
        Head fresh = new Head(); // before the arena is listed: an OutOfMemoryError here lists nothing
        fresh.arena = arena;
        HEAD.setRelease(this, fresh);
        sweep(arena);
    }

    /**
     * Takes an arena its thread just closed off the top, if it is there (the writing thread only).
     * Arenas mostly close in the reverse order of their opens (try-with-resources), so the list then
     * holds no closed arena: none that would keep a dropped allocator reachable from the thread
     * (thread-local map, ledger, this list, the arena, the allocator), and none for the next open
     * to skip. One closed out of order stays until an open skips it or a sweep unlinks it.
     */
    void closed(SafeArena arena) {
        Head top = head;
        if (top.arena == arena) {
            ARENA.setRelease(top, arena.next);
        }
    }

    /** Unlinks the closed arenas below {@code top}, the arena just pushed. */
    private void sweep(SafeArena top) {
        for (SafeArena at = top; at != null;) {
            SafeArena next = at.next;
            while (next != null && !next.isOpen()) {
                next = next.next;
            }
            at.next = next;
            at = next;
        }
    }

    /**
     * Forgets every arena (the owner's release, once it closed them: no open can follow it, so it
     * is the only writer then). A list that kept them would keep the allocator reachable from its
     * threads: thread-local map, ledger, this list, a closed arena, the allocator.
     */
    void clear() {
        HEAD.setRelease(this, new Head());
    }

    /** @return the arena last pushed (any thread) */
    private SafeArena top() {
        return (SafeArena) ARENA.getAcquire((Head) HEAD.getAcquire(this));
    }

    /** @return whether an arena in it may still be open */
    boolean anyOpen() {
        for (SafeArena at = top(); at != null; at = at.next) {
            if (at.isOpen()) {
                return true;
            }
        }
        return false;
    }

    /** Hands every arena that is open now (and maybe some that are closing) to {@code action}. */
    void forEachOpen(Consumer<SafeArena> action) {
        for (SafeArena at = top(); at != null; at = at.next) {
            if (at.isOpen()) {
                action.accept(at);
            }
        }
    }
}
