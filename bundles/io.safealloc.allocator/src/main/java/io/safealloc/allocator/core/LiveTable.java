package io.safealloc.allocator.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The live allocations: a lock-free map from address to one {@code long} of metadata (see
 * {@link Entry}), in primitive arrays so that inserting and removing put nothing on the Java heap.
 *
 * <p>Open addressing with linear probing, split into {@value #SHARDS} shards so that threads rarely
 * touch the same cache lines. Each slot is two longs, key then value. A key is claimed with a CAS
 * to {@code address | PENDING}, the value written, then the bare key published; removal CASes the
 * key to a tombstone, so of two threads freeing the same address exactly one wins. When a shard
 * fills up, one thread migrates it: it freezes every slot (CAS to {@code key | FROZEN}, which makes
 * concurrent CASes fail), copies the live entries into a right-sized table and publishes it; threads
 * that meet a frozen slot wait for the new table (a migration is rare and amortised over many
 * inserts; it never blocks other shards).
 *
 * <p>A migration that fails, for example with an {@link OutOfMemoryError} because the Java heap has
 * no room for the bigger table, leaves the shard as it was: the old table stays current and usable
 * (every slot it froze is unfrozen before the shard's {@code migrating} flag is released, and threads
 * waiting for it stop waiting once the flag drops without a new table), and the error reaches the
 * caller of the insert that needed the room. The new table's array is allocated before anything is
 * frozen whenever the count taken then proves big enough, so that usually a failure freezes nothing.
 *
 * <p>Keys are addresses aligned to at least 8 and at least 16 in value, so the low bits carry the
 * slot states.
 *
 * <p>Each thread remembers the slot of the key it last placed or removed ({@link SlotHint}): malloc
 * hands a thread back the block it freed last, so the next insert of that address, and the remove
 * after it, go straight to that slot instead of walking from the home slot. At the loads that keep
 * the table small (55-75 %), that walk is several slots on average, paid once to insert and once to
 * remove (docs/benchmarks.md has the measured cost). A hint is only a guess, checked by the same
 * compare-and-set that claims or removes the slot; a wrong one costs the walk it would have saved.
 */
final class LiveTable {

    /** Returned by lookups that find nothing; never a valid {@link Entry} value. */
    static final long NOT_FOUND = -1L;

    private static final long EMPTY = 0;
    private static final long PENDING = 1;
    private static final long FROZEN = 2;
    private static final long TOMBSTONE = 8;

    private static final int SHARD_BITS = 6;
    private static final int SHARDS = 1 << SHARD_BITS;
    private static final int MIN_CAPACITY = 16;
    /** Slots per shard at most (the slots array holds two longs per slot). */
    private static final int MAX_CAPACITY = (Integer.MAX_VALUE - 8) / 2;

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

    /** Called for each entry removed by {@link #removeIf}. */
    @FunctionalInterface
    interface RemovedEntry {
        void removed(long address, long value);
    }

    /** Selects entries by value. */
    @FunctionalInterface
    interface ValueFilter {
        boolean test(long value);
    }

    /** Visits a live entry. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(long address, long value);
    }

    /** One shard's slots (package-private for {@link SlotHint}). */
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

    /** A table and the flag that lets one thread migrate it (package-private for {@link SlotHint}). */
    static final class Shard {
        volatile Table table = new Table(MIN_CAPACITY, 0);
        final AtomicBoolean migrating = new AtomicBoolean();
    }

    private final Shard[] shards = new Shard[SHARDS];

    /**
     * Allocates the slots array of a migration's new table, given its length in longs (a seam: a
     * test makes it throw {@link OutOfMemoryError} to prove that a failed migration leaves the shard
     * usable; it may also return a shorter array than asked, which the migration treats as too small).
     */
    private final IntFunction<long[]> slotArrays;

    /** The threads' hints (see {@link SlotHint#mine}); kept here so that the allocation path reads one field. */
    private final SlotHint[] hints = new SlotHint[SlotHint.SLOTS];

    LiveTable() {
        this(long[]::new);
    }

    /** @param slotArrays allocates the slots of a migration's new table (see {@link #slotArrays}) */
    LiveTable(IntFunction<long[]> slotArrays) {
        this.slotArrays = slotArrays;
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard();
        }
    }

    /** @return whether {@code address} can be a key (aligned to 8 and above the slot states) */
    static boolean isValidKey(long address) {
        return address >= 16 && (address & 7) == 0;
    }

    private static long hash(long address) {
        long h = address >>> 3;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private Shard shardOf(long hash) {
        return shards[(int) (hash >>> (64 - SHARD_BITS))];
    }

    /** Adds a key that is not in the table (a fresh address from malloc, or a checked adoption). */
    void insert(long address, long value) {
        SlotHint hint = SlotHint.mine(hints);
        if (hint != null) {
            Table hinted = hint.tableFor(address);
            // Only a tombstone is claimed this way: claiming an empty slot must count it and may migrate.
            if (hinted != null && claim(hinted.slots, hint.slot, TOMBSTONE, address, value)) {
                return;
            }
        }
        long h = hash(address);
        Shard shard = shardOf(h);
        retry:
        for (;;) {
            Table t = shard.table;
            long[] s = t.slots;
            int capacity = t.capacity;
            int i = t.home(h);
            for (int probes = 0; probes < capacity;) {
                long k = (long) SLOTS.getVolatile(s, i << 1);
                if (k == EMPTY || k == TOMBSTONE) {
                    if (k == EMPTY && t.used.get() >= t.threshold) {
                        migrate(shard, t);
                        continue retry;
                    }
                    if (claim(s, i, k, address, value)) {
                        if (k == EMPTY) {
                            t.used.incrementAndGet();
                        }
                        if (hint != null) {
                            hint.remember(address, shard, t, i);
                        }
                        return;
                    }
                    continue; // lost the slot: look at it again
                }
                if ((k & FROZEN) != 0) {
                    awaitMigration(shard, t);
                    continue retry;
                }
                i = t.next(i);
                probes++;
            }
            migrate(shard, t);
        }
    }

    /**
     * Claims slot {@code i} if it holds {@code expected}, then stores the value and publishes the key.
     *
     * @return whether the slot was claimed
     */
    private static boolean claim(long[] s, int i, long expected, long address, long value) {
        if (!SLOTS.compareAndSet(s, i << 1, expected, address | PENDING)) {
            return false;
        }
        s[(i << 1) + 1] = value;
        // Release suffices: the CAS above was the full fence that an owner's release scan relies on
        // (it waits for PENDING slots to publish).
        SLOTS.setRelease(s, i << 1, address);
        return true;
    }

    /** @return the value stored for {@code address}, or {@link #NOT_FOUND} */
    long get(long address) {
        long h = hash(address);
        Shard shard = shardOf(h);
        retry:
        for (;;) {
            Table t = shard.table;
            long[] s = t.slots;
            int capacity = t.capacity;
            int i = t.home(h);
            for (int probes = 0; probes < capacity; probes++, i = t.next(i)) {
                long k = (long) SLOTS.getVolatile(s, i << 1);
                if (k == EMPTY) {
                    return NOT_FOUND;
                }
                if ((k & ~FROZEN) == address) {
                    return s[(i << 1) + 1];
                }
                if ((k & FROZEN) != 0 && (k & ~FROZEN) == EMPTY) {
                    awaitMigration(shard, t);
                    continue retry;
                }
            }
            return NOT_FOUND;
        }
    }

    /**
     * Removes {@code address}; of several threads removing the same address, exactly one gets its
     * value.
     *
     * @return the value that was stored, or {@link #NOT_FOUND} when the address is not live
     */
    long remove(long address) {
        SlotHint hint = SlotHint.mine(hints);
        if (hint != null) {
            Table hinted = hint.tableFor(address);
            if (hinted != null) {
                long value = take(hinted.slots, hint.slot, address);
                if (value != NOT_FOUND) {
                    return value;
                }
            }
        }
        long h = hash(address);
        Shard shard = shardOf(h);
        retry:
        for (;;) {
            Table t = shard.table;
            long[] s = t.slots;
            int capacity = t.capacity;
            int i = t.home(h);
            for (int probes = 0; probes < capacity;) {
                long k = (long) SLOTS.getVolatile(s, i << 1);
                if (k == EMPTY) {
                    return NOT_FOUND;
                }
                if ((k & FROZEN) != 0) {
                    awaitMigration(shard, t);
                    continue retry;
                }
                if (k == address) {
                    long value = take(s, i, address);
                    if (value != NOT_FOUND) {
                        if (hint != null) {
                            hint.remember(address, shard, t, i);
                        }
                        return value;
                    }
                    continue; // frozen or removed meanwhile: look again
                }
                i = t.next(i);
                probes++;
            }
            return NOT_FOUND;
        }
    }

    /**
     * Removes {@code address} from slot {@code i} if it is there (published, not frozen).
     *
     * @return its value, or {@link #NOT_FOUND} when the slot holds anything else
     */
    private static long take(long[] s, int i, long address) {
        if ((long) SLOTS.getVolatile(s, i << 1) != address) {
            return NOT_FOUND;
        }
        long value = s[(i << 1) + 1];
        return SLOTS.compareAndSet(s, i << 1, address, TOMBSTONE) ? value : NOT_FOUND;
    }

    /** Visits every live entry (a weakly consistent snapshot: concurrent changes may or may not show). */
    void forEach(EntryVisitor visitor) {
        for (Shard shard : shards) {
            long[] s = shard.table.slots;
            for (int i = 0; i < s.length; i += 2) {
                long k = (long) SLOTS.getVolatile(s, i);
                long key = k & ~FROZEN;
                if (key != EMPTY && key != TOMBSTONE && (k & PENDING) == 0) {
                    visitor.visit(key, s[i + 1]);
                }
            }
        }
    }

    /**
     * Removes every entry whose value passes {@code filter}, including entries being inserted
     * concurrently that are already visible, and reports each one removed by this call.
     */
    void removeIf(ValueFilter filter, RemovedEntry removed) {
        for (Shard shard : shards) {
            scan:
            for (;;) {
                Table t = shard.table;
                long[] s = t.slots;
                for (int i = 0; i < s.length; i += 2) {
                    long k = (long) SLOTS.getVolatile(s, i);
                    while ((k & PENDING) != 0) { // an insert is between claiming and publishing
                        Thread.onSpinWait();
                        k = (long) SLOTS.getVolatile(s, i);
                    }
                    if ((k & FROZEN) != 0) {
                        awaitMigration(shard, t);
                        continue scan;
                    }
                    if (k != EMPTY && k != TOMBSTONE) {
                        long value = s[i + 1];
                        if (filter.test(value)) {
                            if (SLOTS.compareAndSet(s, i, k, TOMBSTONE)) {
                                removed.removed(k, value);
                            } else {
                                i -= 2; // changed under us: look at the slot again
                            }
                        }
                    }
                }
                break;
            }
        }
    }

    /** @return the slot that holds {@code address} in its shard's current table, or -1 (for tests) */
    int slotOf(long address) {
        Table t = shardOf(hash(address)).table;
        for (int i = 0; i < t.capacity; i++) {
            if (((long) SLOTS.getVolatile(t.slots, i << 1) & ~FROZEN) == address) {
                return i;
            }
        }
        return -1;
    }

    /** @return the home slot of {@code address} in its shard's current table, and its shard (for tests) */
    long homeOf(long address) {
        long h = hash(address);
        return (long) (int) (h >>> (64 - SHARD_BITS)) << 32 | shardOf(h).table.home(h);
    }

    /** @return the number of slots held (for measuring the metadata cost) */
    long capacity() {
        long capacity = 0;
        for (Shard shard : shards) {
            capacity += shard.table.capacity;
        }
        return capacity;
    }

    /**
     * Waits while {@code old} is the shard's table and a migration of it runs. A migration that ends
     * without replacing the table (it failed) has unfrozen its slots before dropping the flag, so the
     * caller, which looks at the current table again, finds its slot usable.
     */
    private static void awaitMigration(Shard shard, Table old) {
        int spins = 0;
        while (shard.table == old && shard.migrating.get()) {
            if (++spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the migrating thread may have been descheduled
            }
        }
    }

    /**
     * Replaces {@code old} by a right-sized table holding its live entries, or, when another thread
     * migrates it already, waits for that. Whatever it throws (an {@link OutOfMemoryError} above all),
     * the shard's current table is then usable: either the new one, published complete, or the old
     * one with no slot left frozen.
     */
    private void migrate(Shard shard, Table old) {
        if (!shard.migrating.compareAndSet(false, true)) {
            awaitMigration(shard, old);
            return;
        }
        long[] s = old.slots;
        int frozen = 0; // slots [0, frozen) carry FROZEN
        try {
            if (shard.table != old) {
                return; // somebody else migrated it already
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
            shard.table = fresh; // volatile write publishes the filled arrays
        } catch (Throwable failed) {
            // No new table: thaw the old one before the flag drops, so that no thread waits for a
            // table that will never come (only this thread writes a frozen slot: other threads' CASes fail on it).
            for (int i = 0; i < frozen; i += 2) {
                SLOTS.setVolatile(s, i, (long) SLOTS.getVolatile(s, i) & ~FROZEN);
            }
            throw failed;
        } finally {
            shard.migrating.set(false);
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
