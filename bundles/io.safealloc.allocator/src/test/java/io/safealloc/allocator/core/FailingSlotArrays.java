package io.safealloc.allocator.core;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Test seam for {@link LiveTable}'s growth: allocates new slot arrays as the table asks, except that
 * once armed, the next migrations fail with an {@link OutOfMemoryError}, at the step chosen: the
 * allocation a migration makes before it freezes the shard, or the one it makes after (forced by
 * handing it too small an array first).
 */
final class FailingSlotArrays implements IntFunction<long[]> {

    /** Where a migration fails. */
    enum Step { BEFORE_FREEZING, AFTER_FREEZING }

    private final Step step;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger thrown = new AtomicInteger();
    /** In AFTER_FREEZING: whether the next call is a migration's second one (single-threaded use). */
    private boolean second;

    FailingSlotArrays(Step step) {
        this.step = step;
    }

    /** Makes the next {@code migrations} migrations fail. */
    void arm(int migrations) {
        failuresLeft.set(migrations);
    }

    int thrown() {
        return thrown.get();
    }

    @Override
    public long[] apply(int length) {
        if (failuresLeft.get() <= 0) {
            return new long[length];
        }
        if (step == Step.AFTER_FREEZING && !second) {
            second = true;
            return new long[2]; // one slot: too small, so the migration allocates again after freezing
        }
        second = false;
        failuresLeft.decrementAndGet();
        thrown.incrementAndGet();
        throw new OutOfMemoryError("test: no heap for the new table (" + step + ")");
    }
}
