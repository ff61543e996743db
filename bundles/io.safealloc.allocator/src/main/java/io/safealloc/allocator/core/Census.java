package io.safealloc.allocator.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.safealloc.api.BundleStats;
import io.safealloc.api.Holding;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemStats;
import io.safealloc.api.PressureReading;

/**
 * Who holds what: the totals and per-owner figures ({@link #stats}), the live blocks counted by
 * owner ({@link #holdings}), the top holders an event names, and what the tracking itself costs.
 * It only reads the accounts, ledgers and live table the allocation engine writes.
 *
 * <p>Thread-safe: each figure is read from a consistent pass over the accounts (see
 * {@link Accounts#sumAll}); the live table is read as a weakly consistent snapshot.
 */
final class Census {

    /** How many holders an event names. */
    private static final int TOP_HOLDERS = 5;

    private final Accounts accounts;
    private final Ledgers ledgers;
    private final LiveTable live;
    private final Supplier<AllocatorConfig> config;
    private final Supplier<List<? extends PressureReading>> pressure;
    private volatile Arenas arenas;

    /** Set once the engine exists (it owns the arenas, and is built after the census). */
    void arenas(Arenas openArenas) {
        this.arenas = openArenas;
    }

    Census(Accounts accounts, Ledgers ledgers, LiveTable live, Supplier<AllocatorConfig> config,
            Supplier<List<? extends PressureReading>> pressure) {
        this.pressure = pressure;
        this.accounts = accounts;
        this.ledgers = ledgers;
        this.live = live;
        this.config = config;
    }

    /**
     * The totals over every owner and the figures of the open owners (the unowned account only once it
     * allocated), biggest holder first, from one pass over the accounts.
     */
    record Snapshot(long[] sums, List<BundleStats> owners) {
        long bytesInUse() {
            return sums[Accounts.BYTES];
        }

        /** @return the biggest holders, at most as many as an event names */
        List<BundleStats> topHolders() {
            return List.copyOf(owners.subList(0, Math.min(TOP_HOLDERS, owners.size())));
        }
    }

    Snapshot snapshot() {
        long[] sums = new long[Accounts.SUMS];
        List<BundleStats> owners = new ArrayList<>();
        accounts.sumAll(sums, (a, tally) -> {
            if (a.owner != Owner.NONE || tally.allocations() > 0) {
                owners.add(Figures.of(a, tally));
            }
        });
        owners.sort(Comparator.comparingLong(BundleStats::bytesInUse).reversed());
        return new Snapshot(sums, owners);
    }

    /** @return the totals over every owner and each open owner's figures, biggest holder first */
    MemStats stats() {
        AllocatorConfig c = config.get();
        Snapshot now = snapshot();
        long[] sums = now.sums();
        long allocations = sums[Accounts.ALLOCATIONS];
        long frees = sums[Accounts.FREES];
        return new Stats(MemEvent.NO_BUNDLE_ID, "all", sums[Accounts.BYTES], ledgers.global().peak(), c.limit(),
                Math.max(0, allocations - frees), allocations, frees, Figures.failures(i -> sums[Accounts.FAILURES + i]),
                c.warnThreshold(), c.maxAllocation(), now.owners(), List.copyOf(pressure.get()));
    }

    /** @return the live blocks and open arenas counted by owner, biggest holder first */
    List<Holding> holdings() {
        Map<Integer, long[]> byOwner = new HashMap<>();
        live.forEach((address, entry) -> {
            long[] sums = byOwner.computeIfAbsent(Entry.owner(entry), k -> new long[5]);
            long size = Entry.size(entry);
            sums[0]++;
            sums[1] += size;
            sums[2] = Math.max(sums[2], size);
        });
        if (arenas != null) {
            accounts.forEachOpen(a -> {
                long[] open = arenas.openFigures(a);
                if (open[Arenas.OPEN] > 0) {
                    long[] sums = byOwner.computeIfAbsent(a.index, k -> new long[5]);
                    sums[0] += open[Arenas.BLOCKS];
                    sums[1] += open[Arenas.BYTES];
                    sums[2] = Math.max(sums[2], open[Arenas.LARGEST]);
                    sums[3] = open[Arenas.OPEN];
                    sums[4] = open[Arenas.BYTES];
                }
            });
        }
        List<Holding> holdings = new ArrayList<>();
        byOwner.forEach((index, sums) -> {
            Account a = accounts.get(index);
            if (a != null) {
                holdings.add(new HoldingFigures(a.owner.id(), a.owner.name(), sums[0], sums[1], sums[2], sums[3],
                        sums[4]));
            }
        });
        holdings.sort(Comparator.comparingLong(Holding::bytes).reversed());
        return holdings;
    }

    /** @return the bytes the live table holds (two longs a slot; no native header is used) */
    long trackingBytes() {
        return live.capacity() * 2 * Long.BYTES;
    }
}
