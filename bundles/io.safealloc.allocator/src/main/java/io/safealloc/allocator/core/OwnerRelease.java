package io.safealloc.allocator.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Closes an owner (a bundle that stopped): marks it closed, so that calls still in flight for it
 * undo what they allocate, frees every block it still holds, and reports them as leaks (log and
 * observers). A block held by a native call (its CHECKED lifetime cannot end) is logged and left.
 * The arenas it left open are closed too ({@link Arenas#closeAll}) and reported with the blocks.
 *
 * <p>Thread-safe: {@link OwnerView#release()} serialises the closing of one owner.
 */
final class OwnerRelease {

    /** Frees a block already out of the live table and credits its owner (the engine's release). */
    @FunctionalInterface
    interface BlockRelease {
        void release(Account owner, long address, long size);
    }

    private final LiveTable live;
    private final Lifetimes lifetimes;
    private final Accounts accounts;
    private final Decisions decisions;
    private final Logger log;
    private final BlockRelease blocks;
    private final Arenas arenas;

    OwnerRelease(LiveTable live, Lifetimes lifetimes, Accounts accounts, Decisions decisions, Logger log,
            BlockRelease blocks, Arenas arenas) {
        this.arenas = arenas;
        this.live = live;
        this.lifetimes = lifetimes;
        this.accounts = accounts;
        this.decisions = decisions;
        this.log = log;
        this.blocks = blocks;
    }

    /** @return what the owner still held, now freed */
    Leaks close(Account account) {
        account.closed = true;
        long[] totals = new long[2];
        List<Long> sample = new ArrayList<>();
        live.removeIf(entry -> Entry.owner(entry) == account.index, (address, entry) -> {
            long size = Entry.size(entry);
            try {
                lifetimes.endIfAny(address);
            } catch (IllegalStateException inUse) {
                log.log(Level.ERROR, String.format("%s stopped while a native call holds 0x%x: not freed",
                        account.owner, address));
                return;
            }
            blocks.release(account, address, size);
            totals[0]++;
            totals[1] += size;
            if (sample.size() < Leaks.SAMPLE) {
                sample.add(size);
            }
        });
        Arenas.Released open = arenas.closeAll(account);
        for (Long arenaBytes : open.sampleSizes()) {
            if (sample.size() < Leaks.SAMPLE) {
                sample.add(arenaBytes);
            }
        }
        accounts.retire(account);
        Leaks leaks = new Leaks(account.owner, totals[0] + open.blocks(), totals[1] + open.bytes(), List.copyOf(sample),
                open.arenas(), open.bytes());
        if (leaks.count() > 0 || leaks.arenas() > 0) {
            decisions.released(leaks);
            if (leaks.arenas() > 0) {
                log.log(Level.WARNING, "{0} stopped holding {1} allocations ({2} bytes; sizes {3}), {4} of them in "
                        + "{5} open arenas ({6} bytes): released", account.owner, String.valueOf(leaks.count()),
                        String.valueOf(leaks.bytes()), leaks.sampleSizes(), String.valueOf(open.blocks()),
                        String.valueOf(leaks.arenas()), String.valueOf(leaks.arenaBytes()));
            } else {
                log.log(Level.WARNING, "{0} stopped holding {1} allocations ({2} bytes; sizes {3}): released",
                        account.owner, String.valueOf(leaks.count()), String.valueOf(leaks.bytes()),
                        leaks.sampleSizes());
            }
        }
        return leaks;
    }
}
