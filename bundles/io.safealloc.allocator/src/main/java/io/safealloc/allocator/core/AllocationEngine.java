package io.safealloc.allocator.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The allocation paths: allocate, allocate a layout, reallocate, duplicate, free and adopt, for one
 * {@link Account} at a time, and the release of everything an owner still holds when it closes.
 * Each path books the bytes in the caller's ledgers ({@link Ledgers}), calls the
 * {@link NativeBackend}, enters the block in the {@link LiveTable} and, in CHECKED mode, ties the
 * segment it hands out to a lifetime of its own ({@link Lifetimes}); a failed attempt goes to the
 * {@link Decisions}.
 *
 * <p>Thread-safety: every method is thread-safe. Allocation and free take no lock and allocate
 * nothing on the Java heap but the returned segment (a thread's first call for an owner creates its
 * ledger); only adopt takes a lock, and only against other adopts.
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
    private volatile AllocatorConfig config;

    AllocationEngine(NativeBackend backend, Logger log, AllocatorConfig config, LiveTable live, Accounts accounts,
            Ledgers ledgers, Decisions decisions) {
        this.backend = backend;
        this.log = log;
        this.config = config;
        this.live = live;
        this.accounts = accounts;
        this.ledgers = ledgers;
        this.decisions = decisions;
    }

    AllocatorConfig config() {
        return config;
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
        int kind = alignment <= MALLOC_ALIGNMENT ? CALLOC : ALIGNED;
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
    private MemorySegment handOut(Account account, long address, long size) {
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
        long accounted = kind == ALIGNED ? block : size;
        if (size > c.maxAllocation() || block > Entry.MAX_SIZE) {
            return Status.TOO_BIG;
        }
        AccountLedger ledger = ledgers.of(account);
        long status = ledgers.reserve(ledger, accounted, c);
        if (status < 0) {
            return status;
        }
        long address = switch (kind) {
            case MALLOC -> backend.malloc(block);
            case CALLOC -> backend.calloc(block);
            default -> backend.alignedZeroed(alignment, block);
        };
        if (address == 0) {
            ledgers.unreserve(ledger, accounted, c);
            return Status.FAILED;
        }
        ledger.countAllocation();
        record(account, address, accounted);
        warnIfCrossed(account, ledger, accounted, c);
        return address;
    }

    /**
     * Enters a fresh allocation in the live table, undoing it if its owner closed meanwhile. If the
     * insert throws (an {@link OutOfMemoryError} while the table grows), the allocation is undone as
     * a free would undo it (libc free, credit, free count: the books stay exact) and the throwable
     * goes on; adopted memory is only unbooked, not freed, since its caller still holds it.
     */
    private void record(Account account, long address, long size) {
        try {
            live.insert(address, Entry.of(size, account.index));
        } catch (Throwable notEntered) {
            if (Thread.holdsLock(adoptions)) { // adopt is the only caller holding it
                AccountLedger ledger = ledgers.of(account);
                ledger.countFree();
                ledgers.unreserve(ledger, size, config);
            } else {
                release(account, address, size);
            }
            throw notEntered;
        }
        if (account.closed) {
            // The owner was closed while this call was in flight and its release may have missed it.
            if (live.remove(address) != LiveTable.NOT_FOUND) {
                release(account, address, size);
            }
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
        Arena lifetime = lifetimes.verify("rFree", segment, address);
        long entry = LiveTable.isValidKey(address) ? live.remove(address) : LiveTable.NOT_FOUND;
        if (entry == LiveTable.NOT_FOUND) {
            throw notLive("rFree", address);
        }
        try {
            lifetimes.end(address, lifetime);
        } catch (IllegalStateException inUse) {
            live.insert(address, entry);
            throw new IllegalStateException(String.format("rFree: 0x%x is in use by a native call; nothing was freed",
                    address), inUse);
        }
        release(accounts.get(Entry.owner(entry)), address, Entry.size(entry));
    }

    private static IllegalArgumentException notLive(String operation, long address) {
        return new IllegalArgumentException(String.format("%s: 0x%x was not handed out by this allocator, "
                + "is not the start of an allocation, or was already freed; nothing was changed", operation, address));
    }

    /** Frees a block already removed from the live table and credits its owner. */
    private void release(Account account, long address, long size) {
        backend.free(address, Math.max(size, 1));
        AccountLedger ledger = ledgers.of(account);
        ledger.countFree();
        // Bytes last: an account whose bytes and counts balance has nothing in flight (Accounts).
        ledgers.unreserve(ledger, size, config);
    }

    MemorySegment reallocate(Account caller, MemorySegment segment, long newSize) {
        if (newSize < 0) {
            throw new IllegalArgumentException("rRealloc: size must be >= 0, was " + newSize);
        }
        if (segment == null || segment.isNative() && segment.address() == 0) {
            return allocate(caller, newSize);
        }
        if (!segment.isNative()) {
            throw new IllegalArgumentException("rRealloc: " + segment
                    + " is heap memory, not memory from this allocator; nothing was changed");
        }
        long address = segment.address();
        Arena lifetime = lifetimes.verify("rRealloc", segment, address);
        // Claim the entry first: libc may hand the old address to another thread as soon as it moves.
        long entry = LiveTable.isValidKey(address) ? live.remove(address) : LiveTable.NOT_FOUND;
        if (entry == LiveTable.NOT_FOUND) {
            throw notLive("rRealloc", address);
        }
        Account owner = accounts.get(Entry.owner(entry));
        long oldSize = Entry.size(entry);
        lifetimes.detach(address, lifetime); // before libc can hand the old address to anyone else
        long result;
        try {
            result = tryRealloc(owner, address, oldSize, newSize);
            if (result < 0) {
                result = decisions.recover(owner, newSize, result,
                        () -> tryRealloc(owner, address, oldSize, newSize));
            }
        } catch (OwnerClosedException ownerClosed) {
            closeQuietly(address, lifetime); // the block was moved and freed: so is every view of it
            throw ownerClosed;
        } catch (RuntimeException | Error e) {
            // As C realloc: the original stays valid and accounted (its lifetime first, then its entry).
            lifetimes.reattach(address, lifetime);
            live.insert(address, entry);
            throw e;
        }
        closeQuietly(address, lifetime); // the old segment is stale now, even when the address stayed
        return handOut(owner, result, newSize);
    }

    private void closeQuietly(long address, Arena lifetime) {
        try {
            Lifetimes.closeDetached(lifetime);
        } catch (IllegalStateException inUse) {
            log.log(Level.ERROR, String.format("the old segment at 0x%x is held by a native call: it stays "
                    + "accessible although its memory moved", address));
        }
    }

    private long tryRealloc(Account owner, long address, long oldSize, long newSize) {
        AllocatorConfig c = config;
        if (newSize > c.maxAllocation()) {
            return Status.TOO_BIG;
        }
        long growth = newSize - oldSize;
        AccountLedger ledger = ledgers.of(owner);
        if (growth > 0) {
            long status = ledgers.reserve(ledger, growth, c);
            if (status < 0) {
                return status;
            }
        }
        long result = backend.realloc(address, Math.max(newSize, 1));
        if (result == 0) {
            if (growth > 0) {
                ledgers.unreserve(ledger, growth, c);
            }
            return Status.FAILED;
        }
        if (growth < 0) {
            ledgers.unreserve(ledger, -growth, c);
        }
        // Entered as a fresh allocation: if the owner closed meanwhile, its release scan may have
        // missed the block, and record frees it (checking before the insert would leave a window).
        record(owner, result, newSize);
        if (growth > 0) {
            warnIfCrossed(owner, ledger, growth, c);
        }
        return result;
    }

    MemorySegment adopt(Account account, MemorySegment memory, long size) {
        Objects.requireNonNull(memory, "nativeMemory");
        if (!memory.isNative()) {
            throw new IllegalArgumentException("adopt: " + memory + " is heap memory, not memory from malloc");
        }
        long address = memory.address();
        if (address == 0) {
            throw new IllegalArgumentException("adopt: NULL cannot be adopted");
        }
        if (!LiveTable.isValidKey(address)) {
            throw new IllegalArgumentException(String.format(
                    "adopt: 0x%x is not aligned as malloc aligns (8 bytes), so it did not come from malloc", address));
        }
        if (size < 0 || size > Entry.MAX_SIZE) {
            throw new IllegalArgumentException("adopt: size must be between 0 and " + Entry.MAX_SIZE + ", was " + size);
        }
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
            ledgers.force(ledger, size, config);
            ledger.countAllocation();
            record(account, address, size);
        }
        warnIfCrossed(account, ledger, size, config);
        return handOut(account, address, size);
    }

    /**
     * Hands a booking that may have crossed the warning threshold to the decisions. Without a limit
     * there is no threshold: the common case costs one comparison and stays on the allocation path.
     */
    private void warnIfCrossed(Account account, AccountLedger ledger, long bytes, AllocatorConfig c) {
        if (c.limit() != 0) {
            decisions.warnIfCrossed(account, ledger, bytes, c);
        }
    }

    /** Closes an owner: frees what it still holds and reports it. */
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
            release(account, address, size);
            totals[0]++;
            totals[1] += size;
            if (sample.size() < Leaks.SAMPLE) {
                sample.add(size);
            }
        });
        accounts.retire(account);
        Leaks leaks = new Leaks(account.owner, totals[0], totals[1], List.copyOf(sample));
        if (leaks.count() > 0) {
            decisions.released(leaks);
            log.log(Level.WARNING, "{0} stopped holding {1} allocations ({2} bytes; sizes {3}): released",
                    account.owner, String.valueOf(leaks.count()), String.valueOf(leaks.bytes()), leaks.sampleSizes());
        }
        return leaks;
    }
}
