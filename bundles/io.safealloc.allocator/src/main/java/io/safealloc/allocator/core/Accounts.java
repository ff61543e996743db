package io.safealloc.allocator.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;

import io.safealloc.api.Cause;

/**
 * The owners' accounts, indexed by the compact number stored in each live entry.
 *
 * <p>Opening and closing owners is rare (bundle start and stop) and synchronised; the allocation
 * path only reads {@link #get}. An index is reused only after its account was closed, became
 * quiescent (nothing live, nothing in flight) and its figures were merged into the totals of closed
 * owners; indexes are handed out round-robin, so a reuse comes as late as possible.
 */
final class Accounts {

    private volatile Account[] byIndex = new Account[64];
    private int cursor;
    private final List<Account> open = new ArrayList<>();
    private final List<Account> closing = new ArrayList<>();
    private final Map<String, Long> quotas = new ConcurrentHashMap<>();

    // Figures of owners closed and merged: they stay in the global counters.
    private long closedAllocations;
    private long closedFrees;
    /**
     * Every failure, counted when it happens and never merged: a call can fail after its owner's
     * account was retired and merged (it raced the owner's release), and its failure must still
     * reach the global figure. The owner's own count is kept for its per-bundle figures.
     */
    private final AtomicLongArray allFailures = new AtomicLongArray(Cause.values().length);

    /** Counts a failure of {@code cause} for {@code account} and in the global figures (the failure path only). */
    void countFailure(Account account, Cause cause) {
        account.failures.incrementAndGet(cause.ordinal());
        allFailures.incrementAndGet(cause.ordinal());
    }

    /** Counts an event that belongs to no owner (a pressure crossing) in the global figures only. */
    void countGlobal(Cause cause) {
        allFailures.incrementAndGet(cause.ordinal());
    }

    Account get(int index) {
        return byIndex[index];
    }

    synchronized Account open(Owner owner) {
        mergeQuiescent();
        int index = freeIndex();
        Account account = new Account(index, owner);
        account.limit = quotas.getOrDefault(owner.name(), 0L);
        byIndex[index] = account;
        open.add(account);
        return account;
    }

    private int freeIndex() {
        Account[] slots = byIndex;
        for (int n = 0; n < slots.length; n++) {
            int i = (cursor + n) % slots.length;
            if (slots[i] == null) {
                cursor = i + 1;
                return i;
            }
        }
        if (slots.length == Entry.MAX_OWNERS) {
            throw new IllegalStateException("more than " + Entry.MAX_OWNERS + " owners hold memory at once");
        }
        byIndex = Arrays.copyOf(slots, Math.min(slots.length * 2, Entry.MAX_OWNERS));
        cursor = slots.length + 1;
        return slots.length;
    }

    /** Moves a closed account (whose live entries have been released) out of the open list. */
    synchronized void retire(Account account) {
        if (open.remove(account)) {
            closing.add(account);
        }
        mergeQuiescent();
    }

    private void mergeQuiescent() {
        for (var it = closing.iterator(); it.hasNext();) {
            Account a = it.next();
            Account.Tally tally = a.tally();
            if (tally.isQuiescent()) {
                closedAllocations += tally.allocations();
                closedFrees += tally.frees();
                byIndex[a.index] = null;
                it.remove();
            }
        }
    }

    /** Sets (limit &gt; 0) or removes (0) the quota of every owner named {@code name}, now and later. */
    synchronized void setQuota(String name, long limit) {
        if (limit == 0) {
            quotas.remove(name);
        } else {
            quotas.put(name, limit);
        }
        for (Account a : open) {
            if (a.owner.name().equals(name)) {
                a.limit = limit;
            }
        }
    }

    /** Hands every open account to {@code action} (under this object's lock: keep it short). */
    synchronized void forEachOpen(java.util.function.Consumer<Account> action) {
        open.forEach(action);
    }

    // Where sumAll puts each figure.
    static final int ALLOCATIONS = 0;
    static final int FREES = 1;
    static final int BYTES = 2;
    /** The failures of each cause follow, by the cause's ordinal. */
    static final int FAILURES = 3;
    static final int SUMS = FAILURES + Cause.values().length;

    /**
     * Sums every owner's figures, open, closing or closed, into {@code sums} (of length
     * {@link #SUMS}, at the indexes above); and hands each open
     * account's tally to {@code eachOpen} in the same pass (one tally per account, so the totals and
     * the per-owner figures agree).
     */
    synchronized void sumAll(long[] sums, BiConsumer<Account, Account.Tally> eachOpen) {
        mergeQuiescent();
        sums[ALLOCATIONS] += closedAllocations;
        sums[FREES] += closedFrees;
        for (int c = 0; c < allFailures.length(); c++) {
            sums[FAILURES + c] += allFailures.get(c);
        }
        for (List<Account> group : List.of(open, closing)) {
            for (Account a : group) {
                Account.Tally tally = a.tally();
                if (group == open) {
                    eachOpen.accept(a, tally);
                }
                sums[ALLOCATIONS] += tally.allocations();
                sums[FREES] += tally.frees();
                sums[BYTES] += tally.bytes();
            }
        }
    }
}
