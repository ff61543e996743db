package io.safealloc.allocator.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * One shard of the {@link LiveTable}: its current {@link Table} of slots, and the growth of that
 * table. When a table fills up, one thread migrates it: it freezes every slot (CAS to
 * {@code key | FROZEN}, which makes concurrent CASes fail), copies the live entries into a
 * right-sized table and publishes it; threads that meet a frozen slot wait for the new table.
 *
 * <p>A migration that fails, for example with an {@link OutOfMemoryError} because the Java heap has
 * no room for the bigger table, leaves the shard as it was: the old table stays current and usable
 * (every slot it froze is unfrozen before the {@code migrating} flag is released, and threads
 * waiting for it stop waiting once the flag drops without a new table), and the error reaches the
 * caller of the insert that needed the room. The new table's array is allocated before anything is
 * frozen whenever the count taken then proves big enough, so that usually a failure freezes nothing.
 *
 * <p>Slot states live in a key's low bits: keys are addresses aligned to at least 8 and at least 16
 * in value. Thread-safe as described; {@link #table} is read by any thread, written by the migrating one.
 */
final class LiveShard {

    static final long EMPTY = 0;
    static final long PENDING = 1;
    static final long FROZEN = 2;
    static final long TOMBSTONE = 8;

    private static final int MIN_CAPACITY = 16;
    /** Slots per shard at most (the slots array holds two longs per slot). */
    private static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) / 2;

    static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

    /** One table of a shard's slots, two longs a slot (key, value). */
    static final class Table {
        final long[] slots;
        final int capacity;
        final int threshold;
        /** How many migrations of its shard came before it (what a {@link SlotHint} checks). */
        final int generation;
        final AtomicInteger used = new AtomicInteger();

        Table(int capacity, int generation) {
            this(new long[capacity * 2], generation);
        }

        /** A table over {@code slots} (all zero), two longs a slot. */
        Table(long[] slots, int generation) {
            this.slots = slots;
            this.capacity = slots.length >> 1;
            this.generation = generation;
            threshold = capacity - (capacity >> 2);
        }

        /**
         * The home slot of a hash: its low 32 bits scaled to the capacity (Lemire's reduction), so
         * the capacity need not be a power of two. The shard is chosen by the top bits, so the two
         * choices stay independent.
         */
        int home(long hash) {
            return (int) (((hash & 0xFFFF_FFFFL) * capacity) >>> 32);
        }

        int next(int slot) {
            int n = slot + 1;
            return n == capacity ? 0 : n;
        }
    }

    /** The current table (package-private for {@link LiveTable} and {@link SlotHint}). */
    volatile Table table = new Table(MIN_CAPACITY, 0);
    private final AtomicBoolean migrating = new AtomicBoolean();
    /** Allocates the slots array of a migration's new table, given its length in longs (see {@link LiveTable}). */
    private final IntFunction<long[]> slotArrays;

    LiveShard(IntFunction<long[]> slotArrays) {
        this.slotArrays = slotArrays;
    }

    static long hash(long address) {
        long h = address >>> 3;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /**
     * Waits while {@code old} is this shard's table and a migration of it runs. A migration that ends
     * without replacing the table (it failed) has unfrozen its slots before dropping the flag, so the
     * caller, which looks at the current table again, finds its slot usable.
     */
    void awaitMigration(Table old) {
        int spins = 0;
        while (table == old && migrating.get()) {
            if (++spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the migrating thread may have been descheduled
            }
        }
    }

    /**
     * Replaces {@code old} by a right-sized table holding its live entries, or, when another thread
     * migrates it already, waits for that. Whatever fails (an {@link OutOfMemoryError} above all),
     * the shard's current table is then usable: either the new one, published complete, or the old
     * one with no slot left frozen.
     *
     * @return {@code null} when this thread's migration succeeded or another thread's ended (the
     *     caller looks at the current table again), else what made this thread's migration fail, for
     *     the insert that needed the room to report (returned, not thrown, so that the allocation
     *     path has no exception handler to compile)
     */
    Throwable migrate(Table old) {
        if (!migrating.compareAndSet(false, true)) {
            awaitMigration(old);
            return null;
        }
        long[] s = old.slots;
        int frozen = 0; // slots [0, frozen) carry FROZEN
        try {
            if (table != old) {
                return null; // somebody else migrated it already
            }
            // Allocate first, sized on a count taken without freezing (slack for the inserts that
            // may land until the slots are frozen): a heap that cannot hold it then costs nothing.
            int estimate = 0;
            for (int i = 0; i < s.length; i += 2) {
                long k = (long) SLOTS.getVolatile(s, i);
                if (k != EMPTY && k != TOMBSTONE) {
                    estimate++;
                }
            }
            long[] spare = slotArrays.apply(capacityFor(estimate + (estimate >> 4) + 8) * 2);
            int live = 0;
            for (; frozen < s.length; frozen += 2) {
                for (;;) {
                    long k = (long) SLOTS.getVolatile(s, frozen);
                    if ((k & PENDING) != 0) {
                        Thread.onSpinWait();
                    } else if (SLOTS.compareAndSet(s, frozen, k, k | FROZEN)) {
                        if (k != EMPTY && k != TOMBSTONE) {
                            live++;
                        }
                        break;
                    }
                }
            }
            long[] f = (spare.length >> 1) >= capacityFor(live) ? spare : slotArrays.apply(capacityFor(live) * 2);
            Table fresh = new Table(f, old.generation + 1);
            for (int i = 0; i < s.length; i += 2) {
                long key = s[i] & ~FROZEN;
                if (key != EMPTY && key != TOMBSTONE) {
                    int j = fresh.home(hash(key));
                    while (f[j << 1] != EMPTY) {
                        j = fresh.next(j);
                    }
                    f[j << 1] = key;
                    f[(j << 1) + 1] = s[i + 1];
                }
            }
            fresh.used.set(live);
            table = fresh; // volatile write publishes the filled arrays
            return null;
        } catch (Throwable failed) {
            // No new table: thaw the old one before the flag drops, so that no thread waits for a
            // table that will never come (only this thread writes a frozen slot: other threads' CASes fail on it).
            for (int i = 0; i < frozen; i += 2) {
                SLOTS.setVolatile(s, i, (long) SLOTS.getVolatile(s, i) & ~FROZEN);
            }
            return failed;
        } finally {
            migrating.set(false);
        }
    }

    /**
     * Sized so that the live entries fill 55 % of it; it is rebuilt at 75 % (tombstones included).
     * Between the two, a slot of 16 bytes costs 21 to 29 bytes per live allocation, where doubling a
     * power-of-two table would cost up to 43 (its load falls to 37.5 % after each growth).
     */
    private static int capacityFor(long live) {
        return (int) Math.max(MIN_CAPACITY, Math.min(MAX_CAPACITY, (long) live * 20 / 11 + 1));
    }
}
