package io.safealloc.allocator.core;

import io.safealloc.api.Budget;
import io.safealloc.api.Cause;

/**
 * The outcome of one allocation attempt as the allocation path passes it around: a {@code long},
 * so that no object is made on the way. A non-negative value is a grant ({@link #GRANTED}) or an
 * address; each negative value is one reason for refusing, which the handlers see as a
 * {@link Cause} and a {@link Budget}.
 *
 * <p>Constants and stateless functions; not instantiable. Thread-safe.
 */
final class Status {

    /** The budgets booked the bytes ({@link Ledgers#reserve}). */
    static final long GRANTED = 0;
    /** The global limit refused the bytes. */
    static final long LIMIT_GLOBAL = -1;
    /** The owner's quota refused the bytes. */
    static final long LIMIT_BUNDLE = -2;
    /** The native allocator returned NULL. */
    static final long FAILED = -3;
    /** Larger than the single-allocation cap, or than can be tracked. */
    static final long TOO_BIG = -4;

    private Status() {
    }

    /** @return the cause the handlers see for a negative status */
    static Cause causeOf(long status) {
        return status == FAILED ? Cause.FAIL : status == TOO_BIG ? Cause.TOO_BIG : Cause.LIMIT;
    }

    /** @return the budget that refused, {@link Budget#NONE} when no budget did */
    static Budget budgetOf(long status) {
        return status == LIMIT_GLOBAL ? Budget.GLOBAL : status == LIMIT_BUNDLE ? Budget.BUNDLE : Budget.NONE;
    }
}
