package io.safealloc.allocator.core;

import io.safealloc.allocator.core.LiveShard.Table;

/**
 * Where the calling thread last placed or removed a key in the {@link LiveTable}: the slot of
 * {@link #address} in the table of {@link #shard} whose generation is {@link #generation} (a number,
 * not the table itself, so that a hint never keeps a replaced table alive). Putting that key back
 * there is right while that table is the shard's current one: the key was reachable from its home
 * slot there, and in a current table no slot becomes EMPTY again (removal leaves a tombstone; only a
 * migration builds a table with empty slots), so the key stays reachable.
 *
 * <p>Thread-safety: only its thread reads or writes the fields after the identity; the identity
 * fields are final, so the plain store that puts a hint in the table publishes it safely.
 */
final class SlotHint {

    /** Length of a table of hints, indexed by thread id modulo the length; a thread whose slot is taken has none. */
    static final int SLOTS = 64;

    final Thread thread = Thread.currentThread();
    final long threadId = thread.threadId();
    /** The key hinted at; 0 (never a key) for none. */
    long address;
    LiveShard shard;
    int generation;
    int slot;

    /**
     * @param table the table whose hints ({@link #SLOTS} of them) are looked up
     * @return the calling thread's hint, made at its first call (or when the slot's thread has
     *     ended); {@code null} when another live thread holds the slot, or the Java heap has no room
     *     for a new hint (an insert must not fail for want of one). Two threads racing for a
     *     slot both work on, one without a hint from then on.
     */
    static SlotHint mine(LiveTable table) {
        SlotHint[] hints = table.hints;
        long id = Thread.currentThread().threadId();
        int index = (int) id & (SLOTS - 1);
        SlotHint hint = hints[index];
        if (hint != null && hint.threadId == id) {
            return hint;
        }
        if (hint == null || !hint.thread.isAlive()) {
            try {
                hint = table.newHints.get();
            } catch (OutOfMemoryError noHeap) {
                return null; // a hint is only a shortcut: the insert or remove goes on without one
            }
            hints[index] = hint;
            return hint;
        }
        return null;
    }

    void remember(long key, LiveShard inShard, Table inTable, int at) {
        address = key;
        shard = inShard;
        generation = inTable.generation;
        slot = at;
    }

    /** @return the shard's current table if the hint is for {@code key} and was made in it, else {@code null} */
    Table tableFor(long key) {
        if (address != key) {
            return null;
        }
        Table t = shard.table;
        return t.generation == generation ? t : null;
    }
}
