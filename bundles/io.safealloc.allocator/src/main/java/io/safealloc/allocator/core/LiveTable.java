package io.safealloc.allocator.core;

import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.safealloc.allocator.core.LiveShard.Table;

/**
 * The live allocations: a lock-free map from address to one {@code long} of metadata (see
 * {@link Entry}), in primitive arrays so that inserting and removing put nothing on the Java heap.
 *
 * <p>Open addressing with linear probing, split into {@value #SHARDS} shards so that threads rarely
 * touch the same cache lines. Each slot is two longs, key then value. A key is claimed with a CAS
 * to {@code address | PENDING}, the value written, then the bare key published; removal CASes the
 * key to a tombstone, so of two threads freeing the same address exactly one wins. When a shard
 * fills up, one thread migrates it to a right-sized table ({@link LiveShard}: the slot states, the
 * growth, and why a growth that runs out of memory leaves the shard usable); a migration is rare and
 * amortised over many inserts, and it never blocks other shards.
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

    private static final int SHARD_BITS = 6;
    private static final int SHARDS = 1 << SHARD_BITS;

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

    private final LiveShard[] shards = new LiveShard[SHARDS];

    /** The threads' hints (see {@link SlotHint#mine}); kept here so that the allocation path reads one field. */
    final SlotHint[] hints = new SlotHint[SlotHint.SLOTS];
    /** Makes a thread's hint at its first call ({@code SlotHint::new} but in tests). */
    final Supplier<SlotHint> newHints;

    LiveTable() {
        this(long[]::new);
    }

    /**
     * @param slotArrays allocates the slots array of a migration's new table, given its length in
     *     longs (a seam: a test makes it throw {@link OutOfMemoryError})
     */
    LiveTable(IntFunction<long[]> slotArrays) {
        this(slotArrays, SlotHint::new);
    }

    /** @param newHints makes a thread's hint (a seam: a test makes it throw {@link OutOfMemoryError}) */
    LiveTable(IntFunction<long[]> slotArrays, Supplier<SlotHint> newHints) {
        this.newHints = newHints;
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new LiveShard(slotArrays);
        }
    }

    /** @return whether {@code address} can be a key (aligned to 8 and above the slot states) */
    static boolean isValidKey(long address) {
        return address >= 16 && (address & 7) == 0;
    }

    private LiveShard shardOf(long hash) {
        return shards[(int) (hash >>> (64 - SHARD_BITS))];
    }

    /**
     * Adds a key that is not in the table (a block put back after a failed resize).
     *
     * @throws OutOfMemoryError (or whatever else failed) if the table could not grow to make room;
     *     nothing was entered, and the table stays usable
     */
    void insert(long address, long value) {
        Throwable failed = tryInsert(address, value);
        if (failed != null) {
            throw Unchecked.rethrow(failed);
        }
    }

    /**
     * Adds a key that is not in the table (a fresh address from malloc, or a checked adoption).
     *
     * @return {@code null} once entered; else what kept the table from growing to make room (an
     *     {@link OutOfMemoryError} above all): nothing was entered, and the table stays usable
     */
    Throwable tryInsert(long address, long value) {
        SlotHint hint = SlotHint.mine(this);
        if (hint != null) {
            Table hinted = hint.tableFor(address);
            // Only a tombstone is claimed this way: claiming an empty slot must count it and may migrate.
            if (hinted != null && claim(hinted.slots, hint.slot, LiveShard.TOMBSTONE, address, value)) {
                return null;
            }
        }
        long h = LiveShard.hash(address);
        LiveShard shard = shardOf(h);
        retry:
        for (;;) {
            Table t = shard.table;
            long[] s = t.slots;
            int capacity = t.capacity;
            int i = t.home(h);
            for (int probes = 0; probes < capacity;) {
                long k = (long) LiveShard.SLOTS.getVolatile(s, i << 1);
                if (k == LiveShard.EMPTY || k == LiveShard.TOMBSTONE) {
                    if (k == LiveShard.EMPTY && t.used.get() >= t.threshold) {
                        Throwable failed = shard.migrate(t);
                        if (failed != null) {
                            return failed;
                        }
                        continue retry;
                    }
                    if (claim(s, i, k, address, value)) {
                        if (k == LiveShard.EMPTY) {
                            t.used.incrementAndGet();
                        }
                        if (hint != null) {
                            hint.remember(address, shard, t, i);
                        }
                        return null;
                    }
                    continue; // lost the slot: look at it again
                }
                if ((k & LiveShard.FROZEN) != 0) {
                    shard.awaitMigration(t);
                    continue retry;
                }
                i = t.next(i);
                probes++;
            }
            Throwable failed = shard.migrate(t);
            if (failed != null) {
                return failed;
            }
        }
    }

    /**
     * Claims slot {@code i} if it holds {@code expected}, then stores the value and publishes the key.
     *
     * @return whether the slot was claimed
     */
    private static boolean claim(long[] s, int i, long expected, long address, long value) {
        if (!LiveShard.SLOTS.compareAndSet(s, i << 1, expected, address | LiveShard.PENDING)) {
            return false;
        }
        s[(i << 1) + 1] = value;
        // Release suffices: the CAS above was the full fence that an owner's release scan relies on
        // (it waits for LiveShard.PENDING slots to publish).
        LiveShard.SLOTS.setRelease(s, i << 1, address);
        return true;
    }

    /** @return the value stored for {@code address}, or {@link #NOT_FOUND} */
    long get(long address) {
        long h = LiveShard.hash(address);
        LiveShard shard = shardOf(h);
        retry:
        for (;;) {
            Table t = shard.table;
            long[] s = t.slots;
            int capacity = t.capacity;
            int i = t.home(h);
            for (int probes = 0; probes < capacity; probes++, i = t.next(i)) {
                long k = (long) LiveShard.SLOTS.getVolatile(s, i << 1);
                if (k == LiveShard.EMPTY) {
                    return NOT_FOUND;
                }
                if ((k & ~LiveShard.FROZEN) == address) {
                    return s[(i << 1) + 1];
                }
                if ((k & LiveShard.FROZEN) != 0 && (k & ~LiveShard.FROZEN) == LiveShard.EMPTY) {
                    shard.awaitMigration(t);
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
        SlotHint hint = SlotHint.mine(this);
        if (hint != null) {
            Table hinted = hint.tableFor(address);
            if (hinted != null) {
                long value = take(hinted.slots, hint.slot, address);
                if (value != NOT_FOUND) {
                    return value;
                }
            }
        }
        long h = LiveShard.hash(address);
        LiveShard shard = shardOf(h);
        retry:
        for (;;) {
            Table t = shard.table;
            long[] s = t.slots;
            int capacity = t.capacity;
            int i = t.home(h);
            for (int probes = 0; probes < capacity;) {
                long k = (long) LiveShard.SLOTS.getVolatile(s, i << 1);
                if (k == LiveShard.EMPTY) {
                    return NOT_FOUND;
                }
                if ((k & LiveShard.FROZEN) != 0) {
                    shard.awaitMigration(t);
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
        if ((long) LiveShard.SLOTS.getVolatile(s, i << 1) != address) {
            return NOT_FOUND;
        }
        long value = s[(i << 1) + 1];
        return LiveShard.SLOTS.compareAndSet(s, i << 1, address, LiveShard.TOMBSTONE) ? value : NOT_FOUND;
    }

    /** Visits every live entry (a weakly consistent snapshot: concurrent changes may or may not show). */
    void forEach(EntryVisitor visitor) {
        for (LiveShard shard : shards) {
            long[] s = shard.table.slots;
            for (int i = 0; i < s.length; i += 2) {
                long k = (long) LiveShard.SLOTS.getVolatile(s, i);
                long key = k & ~LiveShard.FROZEN;
                if (key != LiveShard.EMPTY && key != LiveShard.TOMBSTONE && (k & LiveShard.PENDING) == 0) {
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
        for (LiveShard shard : shards) {
            scan:
            for (;;) {
                Table t = shard.table;
                long[] s = t.slots;
                for (int i = 0; i < s.length; i += 2) {
                    long k = (long) LiveShard.SLOTS.getVolatile(s, i);
                    while ((k & LiveShard.PENDING) != 0) { // an insert is between claiming and publishing
                        Thread.onSpinWait();
                        k = (long) LiveShard.SLOTS.getVolatile(s, i);
                    }
                    if ((k & LiveShard.FROZEN) != 0) {
                        shard.awaitMigration(t);
                        continue scan;
                    }
                    if (k != LiveShard.EMPTY && k != LiveShard.TOMBSTONE) {
                        long value = s[i + 1];
                        if (filter.test(value)) {
                            if (LiveShard.SLOTS.compareAndSet(s, i, k, LiveShard.TOMBSTONE)) {
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
        Table t = shardOf(LiveShard.hash(address)).table;
        for (int i = 0; i < t.capacity; i++) {
            if (((long) LiveShard.SLOTS.getVolatile(t.slots, i << 1) & ~LiveShard.FROZEN) == address) {
                return i;
            }
        }
        return -1;
    }

    /** @return the home slot of {@code address} in its shard's current table, and its shard (for tests) */
    long homeOf(long address) {
        long h = LiveShard.hash(address);
        return (long) (int) (h >>> (64 - SHARD_BITS)) << 32 | shardOf(h).table.home(h);
    }

    /** @return the number of slots held (for measuring the metadata cost) */
    long capacity() {
        long capacity = 0;
        for (LiveShard shard : shards) {
            capacity += shard.table.capacity;
        }
        return capacity;
    }

}
