package io.safealloc.allocator.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The per-thread ledgers of one budget, and the folding of those whose thread has ended: a fold
 * hands an ended thread's ledger to {@code fold} (which gives its reserve back and keeps its
 * figures) and forgets it. Folds run when asked ({@link #foldEnded}, before a refusal is final) and
 * whenever the number of ledgers registered since the last fold has doubled, so that a pool that
 * keeps replacing its threads does not grow the list without bound.
 *
 * <p>Thread-safety: registering and iterating are lock-free; folding is serialised on this object,
 * which is also the lock a caller holds to read the ledgers and the folded figures consistently.
 * A terminated thread's last writes are visible to whoever sees it has ended (JLS 17.4.4), so
 * {@code fold} reads the plain fields of the ledger safely.
 *
 * @param <L> the kind of ledger
 */
final class PerThreadLedgers<L> {

    private static final int FIRST_FOLD_AT = 16;

    private final ConcurrentLinkedQueue<L> ledgers = new ConcurrentLinkedQueue<>();
    private final Predicate<L> ended;
    private final Consumer<L> fold;
    private int registered; // guarded by this
    private int foldAt = FIRST_FOLD_AT; // guarded by this

    PerThreadLedgers(Predicate<L> ended, Consumer<L> fold) {
        this.ended = ended;
        this.fold = fold;
    }

    void register(L ledger) {
        ledgers.add(ledger);
        synchronized (this) {
            if (++registered >= foldAt) {
                foldEndedLocked();
            }
        }
    }

    /** @return the ledgers not folded yet (a weakly consistent view; hold this object's lock for a consistent one) */
    Iterable<L> current() {
        return ledgers;
    }

    synchronized void foldEnded() {
        foldEndedLocked();
    }

    private void foldEndedLocked() {
        int live = 0;
        for (var it = ledgers.iterator(); it.hasNext();) {
            L ledger = it.next();
            if (ended.test(ledger)) {
                fold.accept(ledger);
                it.remove();
            } else {
                live++;
            }
        }
        registered = live;
        foldAt = Math.max(FIRST_FOLD_AT, live * 2);
    }
}
