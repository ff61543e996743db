package io.safealloc.allocator.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The allocation paths: allocate, allocate a layout, reallocate ({@link Resizes}), duplicate, free
 * and adopt, for one {@link Account} at a time, and the release of everything an owner still holds when it closes.
 * Each path books the bytes in the caller's ledgers ({@link Ledgers}), calls the
 * {@link NativeBackend}, enters the block in the {@link LiveTable} and, in CHECKED mode, ties the
 * segment it hands out to a lifetime of its own ({@link Lifetimes}); a failed attempt goes to the
 * {@link Decisions}.
 *
 * <p>Thread-safety: every method is thread-safe. Allocation and free take no lock and allocate
 * nothing on the Java heap but the returned segment (a thread's first call for an owner creates its
 * ledger); only adopt takes a lock, and only against other adopts. Closing an owner is
 * {@link OwnerRelease}'s job.
 */
final class AllocationEngine {

    private static final int MALLOC = 0;
    private static final int CALLOC = 1;
    private static final int ALIGNED = 2;

    /** What malloc guarantees on 64-bit platforms. */
    private static final long MALLOC_ALIGNMENT = 16;

    private final NativeBackend backend;
    private final Logger log;
    private final LiveTable live;
    private final Lifetimes lifetimes = new Lifetimes();
    /** Serialises adopt's check-then-insert (see {@link #adopt}). */
    private final Object adoptions = new Object();
    private final Accounts accounts;
    private final Ledgers ledgers;
    private final Decisions decisions;
    private final OwnerRelease ownerRelease;
    private final Arenas arenas;
    private final Resizes resizes;
    private volatile AllocatorConfig config;

    AllocationEngine(NativeBackend backend, Logger log, AllocatorConfig config, LiveTable live, Accounts accounts,
            Ledgers ledgers, Decisions decisions, IntFunction<long[]> arenaLists, Supplier<MemorySegment> spareChunks) {
        this.backend = backend;
        this.log = log;
        this.config = config;
        this.live = live;
        this.accounts = accounts;
        this.ledgers = ledgers;
        this.decisions = decisions;
        this.arenas = new Arenas(backend, log, ledgers, decisions, this::config, accounts, arenaLists,
                spareChunks);
        this.resizes = new Resizes(this, backend, live, lifetimes, accounts, ledgers, decisions);
        this.ownerRelease = new OwnerRelease(live, lifetimes, accounts, decisions, log, this::release, arenas);
    }

    AllocatorConfig config() {
        return config;
    }

    /** The owners' arenas: their allocations are checked like these, but kept out of the live table. */
    Arenas arenas() {
        return arenas;
    }

    /** Applies a new configuration at once; live allocations and accounts are untouched. */
    void configure(AllocatorConfig newConfig) {
        config = Objects.requireNonNull(newConfig);
    }

    MemorySegment allocate(Account account, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("rAlloc: size must be >= 0, was " + size);
        }
        long address = tryAllocate(account, size, MALLOC, MALLOC_ALIGNMENT);
        if (address < 0) {
            address = decisions.recover(account, size, address,
                    () -> tryAllocate(account, size, MALLOC, MALLOC_ALIGNMENT));
        }
        return handOut(account, address, size);
    }

    MemorySegment allocateType(Account account, MemoryLayout layout) {
        long size = layout.byteSize();
        long alignment = layout.byteAlignment();
        return allocateZeroed(account, size, alignment <= MALLOC_ALIGNMENT ? CALLOC : ALIGNED, alignment);
    }

    /**
     * Allocates {@code size} bytes aligned to {@code alignment} (a power of two above malloc's 16),
     * zeroed: {@code SegmentAllocator.allocate} with a large alignment. Accounted padded, as
     * {@link #allocateType}.
     */
    MemorySegment allocateAligned(Account account, long size, long alignment) {
        if (size < 0) {
            throw new IllegalArgumentException("allocate: size must be >= 0, was " + size);
        }
        return allocateZeroed(account, size, ALIGNED, alignment);
    }

    /** A zeroed block (calloc, or aligned and zeroed): one attempt, then the handlers. */
    private MemorySegment allocateZeroed(Account account, long size, int kind, long alignment) {
        long address = tryAllocate(account, size, kind, alignment);
        if (address < 0) {
            address = decisions.recover(account, size, address, () -> tryAllocate(account, size, kind, alignment));
        }
        return handOut(account, address, size);
    }

    /**
     * The segment for a block just entered in the live table. In CHECKED mode its lifetime is
     * registered only now, so an owner's release that ran in between found no lifetime to end: the
     * owner is checked again after registering, and if it closed, this call ends the lifetime itself
     * (a lifetime left behind would make the address's next allocation look like someone else's).
     */
    MemorySegment handOut(Account account, long address, long size) {
        if (config.safety() == Safety.FAST) {
            return Lifetimes.fast(address, size);
        }
        Arena lifetime = lifetimes.begin(address);
        if (account.closed) {
            lifetimes.end(address, lifetime);
            throw OwnerClosedException.of(account);
        }
        return Lifetimes.checked(address, size, lifetime);
    }

    MemorySegment duplicate(Account account, MemorySegment source) {
        long size = source.byteSize();
        MemorySegment copy = allocate(account, size);
        try {
            MemorySegment.copy(source, 0, copy, 0, size);
        } catch (RuntimeException | Error unreadable) { // closed, or confined to another thread
            free(copy);
            throw unreadable;
        }
        return copy;
    }

    /**
     * One attempt, no handlers: reserve the budgets, call libc, record the allocation.
     *
     * @return the address, or one of the negative causes
     */
    private long tryAllocate(Account account, long size, int kind, long alignment) {
        AllocatorConfig c = config;
        long block = Math.max(size, 1);
        if (kind == ALIGNED) {
            // aligned_alloc wants a multiple of the alignment; that is what gets accounted.
            long rounded = (block + alignment - 1) & -alignment;
            if (rounded < block) {
                return Status.TOO_BIG;
            }
            block = rounded;
        }
        // The cap and the budget apply to what is taken from libc: over-alignment pads the block.
        long accounted = kind == ALIGNED ? block : size;
        if (accounted > c.maxAllocation() || block > Entry.MAX_SIZE) {
            return Status.TOO_BIG;
        }
        AccountLedger ledger = ledgers.of(account);
        long status = ledgers.reserve(ledger, accounted);
        if (status < 0) {
            return status;
        }
        long address = switch (kind) {
            case MALLOC -> backend.malloc(block);
            case CALLOC -> backend.calloc(block);
            default -> backend.aligned(alignment, block);
        };
        if (address == 0) {
            ledgers.unreserve(ledger, accounted);
            return Status.FAILED;
        }
        if (kind == ALIGNED) {
            // Only the bytes the caller gets: zeroing the padding would commit pages nobody uses.
            MemorySegment.ofAddress(address).reinterpret(size).fill((byte) 0);
        }
        ledger.countAllocation();
        record(account, address, accounted, false);
        if (c.limit() != 0) {
            warnOrDiscard(account, ledger, address, accounted, accounted, c);
        }
        return address;
    }

    /**
     * Raises a WARNING for a block just recorded. If that throws (a handler's {@code Error}, an
     * abort action failing while the JVM already exits), the caller never gets the block: it is
     * freed, so what libc holds and what the table says still agree and nothing leaks.
     */
    void warnOrDiscard(Account account, AccountLedger ledger, long address, long booked, long blockSize,
            AllocatorConfig c) {
        try {
            decisions.warnIfCrossed(account, ledger, booked, c);
        } catch (Throwable t) {
            discard(account, address, blockSize, false);
            throw t;
        }
    }

    /**
     * Takes back a block this call entered in the live table, if the table still holds it (an
     * owner's release may have taken it first): see {@link #takeBack}.
     */
    private void discard(Account account, long address, long size, boolean adopted) {
        if (live.remove(address) != LiveTable.NOT_FOUND) {
            takeBack(account, address, size, adopted);
        }
    }

    /**
     * Undoes the booking of a block that is out of the table: libc frees it, or, for adopted memory,
     * which its caller still owns and will free itself, it is only unbooked (freeing it here would
     * make the caller's own free a double free).
     */
    private void takeBack(Account account, long address, long size, boolean adopted) {
        if (adopted) {
            ledgers.unbook(account, size);
        } else {
            release(account, address, size);
        }
    }

    /**
     * Enters a fresh allocation in the live table, undoing it ({@link #takeBack}) if its owner closed
     * meanwhile or the table could not grow (an {@link OutOfMemoryError}), which is then thrown.
     *
     * @param adopted whether the caller still owns the memory (adopt)
     */
    void record(Account account, long address, long size, boolean adopted) {
        Throwable notEntered = live.tryInsert(address, Entry.of(size, account.index));
        if (notEntered != null) {
            takeBack(account, address, size, adopted);
            throw Unchecked.rethrow(notEntered);
        }
        if (account.closed) {
            // The owner was closed while this call was in flight and its release may have missed it.
            discard(account, address, size, adopted);
            throw OwnerClosedException.of(account);
        }
    }

    void free(MemorySegment segment) {
        if (segment == null) {
            return;
        }
        if (!segment.isNative()) {
            throw new IllegalArgumentException("rFree: " + segment
                    + " is heap memory, not memory from this allocator; nothing was freed");
        }
        long address = segment.address();
        if (address == 0) {
            return; // MemorySegment.NULL: free(NULL) is a no-op
        }
        if (!lifetimes.needsNoLookup(segment)) {
            Arena lifetime = lifetimes.verify("rFree", segment, address);
            if (lifetime != null) {
                freeChecked(segment, address, lifetime);
                return;
            }
        }
        long entry = LiveTable.isValidKey(address) ? live.remove(address) : LiveTable.NOT_FOUND;
        if (entry == LiveTable.NOT_FOUND) {
            throw notLive("rFree", segment, address);
        }
        release(accounts.get(Entry.owner(entry)), address, Entry.size(entry));
    }

    /**
     * CHECKED: the lifetime is claimed before the entry, so a free racing with a resize of the same
     * segment cannot take the block the resize just put at the same address.
     */
    private void freeChecked(MemorySegment segment, long address, Arena lifetime) {
        if (!lifetimes.detach(address, lifetime)) {
            throw notLive("rFree", segment, address); // another call on this segment claimed it first
        }
        long entry = live.remove(address);
        if (entry == LiveTable.NOT_FOUND) {
            closeQuietly(address, lifetime); // its owner's release freed the block meanwhile
            throw notLive("rFree", segment, address);
        }
        try {
            Lifetimes.closeDetached(lifetime);
        } catch (IllegalStateException inUse) {
            restore(accounts.get(Entry.owner(entry)), address, entry, lifetime);
            throw new IllegalStateException(String.format("rFree: 0x%x is in use by a native call; nothing was freed",
                    address), inUse);
        }
        release(accounts.get(Entry.owner(entry)), address, Entry.size(entry));
    }

    /**
     * Says what a segment that is not live here is, as precisely as can be known: a block being
     * resized, a segment of an open SafeAlloc arena (never in the live table: its arena owns it; a
     * closed arena's segment is rejected earlier by its dead scope), or none of ours.
     */
    IllegalArgumentException notLive(String operation, MemorySegment segment, long address) {
        if (resizes.isResizing(address)) {
            return new IllegalArgumentException(String.format("%s: 0x%x is being resized by an rRealloc on another "
                    + "thread; the segment passed is about to become stale; nothing was changed", operation, address));
        }
        if (arenas.isOpenArenaScope(segment.scope())) {
            return new IllegalArgumentException(String.format("%s: the segment at 0x%x belongs to a SafeAlloc arena, "
                    + "which owns it: it is freed when the arena closes; nothing was changed", operation, address));
        }
        return new IllegalArgumentException(String.format("%s: 0x%x was not handed out by this allocator, "
                + "is not the start of an allocation, or was already freed; nothing was changed", operation, address));
    }

    /**
     * A claimed block goes back, exactly as it was (its lifetime first, then its entry), unless its
     * owner closed meanwhile: the owner's release could not see a block out of the table, so it is
     * freed here instead of being filed under a closed owner for good.
     */
    void restore(Account owner, long address, long entry, Arena lifetime) {
        lifetimes.reattach(address, lifetime);
        live.insert(address, entry);
        if (owner.closed && live.remove(address) != LiveTable.NOT_FOUND) {
            try {
                lifetimes.endIfAny(address);
            } catch (IllegalStateException inUse) {
                live.insert(address, entry);
                log.log(Level.ERROR, String.format("%s stopped while a native call holds 0x%x: not freed",
                        owner.owner, address));
                return;
            }
            release(owner, address, Entry.size(entry));
            log.log(Level.WARNING, "{0} stopped while one of its blocks was being resized: {1} bytes released",
                    owner.owner, String.valueOf(Entry.size(entry)));
        }
    }

    /** Frees a block already removed from the live table and credits its owner. */
    private void release(Account account, long address, long size) {
        backend.free(address, Math.max(size, 1));
        ledgers.unbook(account, size);
    }

    /** rRealloc: see {@link Resizes}. */
    MemorySegment reallocate(Account caller, MemorySegment segment, long newSize) {
        return resizes.reallocate(caller, segment, newSize);
    }

    void closeQuietly(long address, Arena lifetime) {
        try {
            Lifetimes.closeDetached(lifetime);
        } catch (IllegalStateException inUse) {
            log.log(Level.ERROR, String.format("the old segment at 0x%x is held by a native call: it stays "
                    + "accessible although its memory moved", address));
        }
    }

    MemorySegment adopt(Account account, MemorySegment memory, long size) {
        long address = AdoptChecks.addressOf(memory, size);
        AccountLedger ledger;
        // Check and insert as one step: two threads adopting the same address must not both win
        // (two entries would mean two libc frees). Adopting is rare; allocating never takes this lock.
        synchronized (adoptions) {
            if (live.get(address) != LiveTable.NOT_FOUND) {
                throw new IllegalArgumentException(String.format(
                        "adopt: 0x%x is already owned by this allocator (adopted or allocated twice?)", address));
            }
            // The memory exists already: it is accounted, never refused for budget reasons.
            ledger = ledgers.of(account);
            ledgers.force(ledger, size);
            ledger.countAllocation();
            record(account, address, size, true);
        }
        AllocatorConfig c = config;
        if (c.limit() != 0) {
            try {
                decisions.warnIfCrossed(account, ledger, size, c);
            } catch (Throwable t) {
                discard(account, address, size, true); // undone, not freed: the caller still owns it
                throw t;
            }
        }
        return handOut(account, address, size);
    }

    /** Closes an owner: frees what it still holds and reports it ({@link OwnerRelease}). */
    Leaks close(Account account) {
        return ownerRelease.close(account);
    }
}
