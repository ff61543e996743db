package io.safealloc.allocator.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.safealloc.api.Cause;

/**
 * One owner's counters. Updated lock-free on every allocation and free; read for statistics.
 */
final class Account {

    final int index;
    final Owner owner;
    final AtomicLong inUse = new AtomicLong();
    final AtomicLong peak = new AtomicLong();
    final AtomicLong allocations = new AtomicLong();
    final AtomicLong frees = new AtomicLong();
    final AtomicLongArray failures = new AtomicLongArray(Cause.values().length);
    /** This owner's quota in bytes, 0 for none. */
    volatile long limit;
    /** Set once the owner is closed: its view refuses work and late allocations undo themselves. */
    volatile boolean closed;

    Account(int index, Owner owner) {
        this.index = index;
        this.owner = owner;
    }

    /** @return whether no allocation of this account is live or in flight */
    boolean isQuiescent() {
        return inUse.get() == 0 && allocations.get() == frees.get();
    }

    static void raisePeak(AtomicLong peak, long value) {
        long current;
        while (value > (current = peak.get()) && !peak.compareAndSet(current, value)) {
            // another thread raised it meanwhile; check again
        }
    }
}
