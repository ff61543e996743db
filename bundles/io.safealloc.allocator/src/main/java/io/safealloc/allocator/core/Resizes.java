package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rRealloc path of an {@link AllocationEngine}: claim the block (its lifetime, then its entry),
 * one libc {@code realloc} per attempt with the handlers in between, and afterwards a table that says
 * what libc did, whatever is thrown: the original comes back exactly as it was while libc has not
 * answered, and never once libc moved or freed it.
 *
 * <p>Thread-safety: thread-safe, no lock; a second call on the same segment finds it claimed.
 */
final class Resizes {

    private final AllocationEngine engine;
    private final NativeBackend backend;
    private final LiveTable live;
    private final Lifetimes lifetimes;
    private final Accounts accounts;
    private final Ledgers ledgers;
    private final Decisions decisions;
    /** Addresses whose rRealloc is under way (out of the table while handlers decide), for messages. */
    private final Set<Long> resizing = ConcurrentHashMap.newKeySet();

    Resizes(AllocationEngine engine, NativeBackend backend, LiveTable live, Lifetimes lifetimes, Accounts accounts,
            Ledgers ledgers, Decisions decisions) {
        this.engine = engine;
        this.backend = backend;
        this.live = live;
        this.lifetimes = lifetimes;
        this.accounts = accounts;
        this.ledgers = ledgers;
        this.decisions = decisions;
    }

    /** Whether an rRealloc of the block at this address is under way, for error messages. */
    boolean isResizing(long address) {
        return resizing.contains(address);
    }

    MemorySegment reallocate(Account caller, MemorySegment segment, long newSize) {
        if (newSize < 0) {
            throw new IllegalArgumentException("rRealloc: size must be >= 0, was " + newSize);
        }
        if (segment == null || segment.isNative() && segment.address() == 0) {
            return engine.allocate(caller, newSize);
        }
        if (!segment.isNative()) {
            throw new IllegalArgumentException("rRealloc: " + segment
                    + " is heap memory, not memory from this allocator; nothing was changed");
        }
        long address = segment.address();
        Arena lifetime = lifetimes.verify("rRealloc", segment, address);
        // Claim the lifetime (CHECKED), then the entry: libc may hand the old address to another
        // thread as soon as it moves, and a second call on the same segment must find it claimed.
        if (!lifetimes.detach(address, lifetime)) {
            throw engine.notLive("rRealloc", segment, address);
        }
        long entry = LiveTable.isValidKey(address) ? live.remove(address) : LiveTable.NOT_FOUND;
        if (entry == LiveTable.NOT_FOUND) {
            engine.closeQuietly(address, lifetime); // its owner's release freed the block meanwhile
            throw engine.notLive("rRealloc", segment, address);
        }
        Account owner = accounts.get(Entry.owner(entry));
        long oldSize = Entry.size(entry);
        boolean[] libcAnswered = new boolean[1];
        long result;
        resizing.add(address);
        try {
            result = tryRealloc(owner, address, oldSize, newSize, libcAnswered);
            if (result < 0) {
                result = decisions.recover(owner, newSize, result,
                        () -> tryRealloc(owner, address, oldSize, newSize, libcAnswered));
            }
        } catch (Throwable e) {
            if (libcAnswered[0]) {
                // realloc moved or freed the original: the table already says where the block is
                // (or that it was undone), so the original's entry must never come back.
                engine.closeQuietly(address, lifetime);
            } else {
                engine.restore(owner, address, entry, lifetime); // as C realloc: the original stays valid
            }
            throw e;
        } finally {
            resizing.remove(address);
        }
        engine.closeQuietly(address, lifetime); // the old segment is stale now, even when the address stayed
        AllocatorConfig c = engine.config();
        if (newSize > oldSize && c.limit() != 0) {
            engine.warnOrDiscard(owner, ledgers.of(owner), result, newSize - oldSize, newSize, c);
        }
        return engine.handOut(owner, result, newSize);
    }

    /**
     * One resize attempt, no handlers.
     *
     * @param libcAnswered set as soon as libc moved or resized the block: from then on the original
     *     entry is gone for good, whatever is thrown
     */
    private long tryRealloc(Account owner, long address, long oldSize, long newSize, boolean[] libcAnswered) {
        AllocatorConfig c = engine.config();
        if (newSize > c.maxAllocation()) {
            return Status.TOO_BIG;
        }
        long growth = newSize - oldSize;
        AccountLedger ledger = ledgers.of(owner);
        if (growth > 0) {
            long status = ledgers.reserve(ledger, growth);
            if (status < 0) {
                return status;
            }
        }
        long result = backend.realloc(address, Math.max(newSize, 1));
        if (result == 0) {
            if (growth > 0) {
                ledgers.unreserve(ledger, growth);
            }
            return Status.FAILED;
        }
        libcAnswered[0] = true;
        if (growth < 0) {
            ledgers.unreserve(ledger, -growth);
        }
        // Entered as a fresh allocation: if the owner closed meanwhile, its release scan may have
        // missed the block, and record frees it (checking before the insert would leave a window).
        engine.record(owner, result, newSize, false);
        return result;
    }
}
