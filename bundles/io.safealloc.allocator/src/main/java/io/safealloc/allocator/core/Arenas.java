package io.safealloc.allocator.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Opens the owners' arenas ({@link ConfinedSafeArena}, {@link SharedSafeArena}), serves their
 * allocations and frees, and closes what an owner left open when it closes.
 *
 * <p>An arena block is a checked allocation exactly like {@code rAlloc}'s: the same
 * {@link Ledgers#reserve} books it (so the global budget and the owner's quota stay exact), a
 * failed attempt goes to the same {@link Decisions#recover} (ranked handlers, retries, the
 * exception with the top holders), a crossing of the warning threshold raises the same WARNING. What
 * an arena saves is the rest: its blocks never enter the live table, and closing it frees them
 * with one credit to the books (bytes and frees in bulk). Accounted is what was asked for, as for
 * {@code rAlloc}; an alignment above malloc's 16 bytes pads the block, and the padded size is
 * accounted (as {@code rAllocType} does).
 *
 * <p>Thread-safe: the allocation path takes no lock (a shared arena's own lock guards its block
 * list only); an owner's release is serialised by {@link OwnerView#release()}.
 */
final class Arenas {

    /** What malloc guarantees on 64-bit platforms. */
    static final long MALLOC_ALIGNMENT = 16;

    private final NativeBackend backend;
    private final Logger log;
    private final Ledgers ledgers;
    private final Decisions decisions;
    private final Supplier<AllocatorConfig> config;
    private final Accounts accounts;
    /** Created on first need: only arenas revoked while their confined thread runs use it. */
    private volatile Cleaner cleaner;

    /** Allocates the block lists of arenas ({@code long[]::new} but in tests). */
    private final IntFunction<long[]> lists;
    /** Makes a thread's spare first chunk ({@link SpareChunk#make} but in tests). */
    private final Supplier<MemorySegment> spareChunks;

    Arenas(NativeBackend backend, Logger log, Ledgers ledgers, Decisions decisions, Supplier<AllocatorConfig> config,
            Accounts accounts, IntFunction<long[]> lists, Supplier<MemorySegment> spareChunks) {
        this.accounts = accounts;
        this.lists = lists;
        this.spareChunks = spareChunks;
        this.backend = backend;
        this.log = log;
        this.ledgers = ledgers;
        this.decisions = decisions;
        this.config = config;
    }

    /** @return a new list for an arena's malloc'd blocks, {@code length} longs (a seam for tests) */
    long[] newList(int length) {
        return lists.apply(length);
    }

    /**
     * @return the calling thread's ledger for {@code account}: a confined arena keeps its thread's,
     *     which saves a lookup per allocation and at close
     */
    AccountLedger ledgerOf(Account account) {
        return ledgers.of(account);
    }

    Arena confined(Account account) {
        return open(account, false);
    }

    Arena shared(Account account) {
        return open(account, true);
    }

    /** Opens an arena for {@code account} and lists it in the calling thread's {@link OpenArenas}. */
    private SafeArena open(Account account, boolean shared) {
        AccountLedger ledger = ledgerOf(account);
        OpenArenas opened = ledger.arenas;
        opened.beginOpen();
        try {
            checkOpen(account);
            SafeArena arena = shared
                    ? new SharedSafeArena(this, account)
                    : ConfinedSafeArena.open(this, account, ledger);
            opened.add(arena);
            return arena;
        } finally {
            opened.endOpen();
        }
    }

    /**
     * Read after the open was announced ({@link OpenArenas#beginOpen}): either this sees the owner
     * closed, or the owner's release sees the open in flight and waits until the arena is listed.
     */
    private static void checkOpen(Account account) {
        if (account.closed) {
            throw OwnerClosedException.of(account);
        }
    }

    /**
     * @throws IllegalArgumentException as {@link java.lang.foreign.SegmentAllocator#allocate(long, long)}
     *     says: a negative size, an alignment that is not a positive power of two
     */
    static void checkRequest(long byteSize, long byteAlignment) {
        if (byteSize < 0) {
            throw new IllegalArgumentException("allocate: size must be >= 0, was " + byteSize);
        }
        if (byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            throw new IllegalArgumentException("allocate: alignment must be a power of two, was " + byteAlignment);
        }
    }

    /** @return the bytes a block of {@code size} aligned to {@code alignment} is accounted with (a negative status if too big) */
    static long accounted(long size, long alignment) {
        if (alignment <= MALLOC_ALIGNMENT) {
            return size;
        }
        long block = Math.max(size, 1);
        long rounded = (block + alignment - 1) & -alignment;
        return rounded < block ? Status.TOO_BIG : rounded;
    }

    /**
     * A checked allocation for an arena: the budgets, the handlers when it fails.
     *
     * @return the address of a block of {@link #accounted} bytes, booked to {@code account}
     * @throws io.safealloc.api.MemoryAllocationException if the handlers decided it fails
     */
    long allocate(Account account, long size, long alignment) {
        long address = tryAllocate(account, size, alignment);
        if (address < 0) {
            address = decisions.recover(account, size, address, () -> tryAllocate(account, size, alignment));
        }
        return address;
    }

    private long tryAllocate(Account account, long size, long alignment) {
        AllocatorConfig c = config.get();
        long accounted = accounted(size, alignment);
        if (accounted < 0 || accounted > c.maxAllocation()) {
            return Status.TOO_BIG;
        }
        AccountLedger ledger = ledgers.of(account);
        long status = ledgers.reserve(ledger, accounted);
        if (status < 0) {
            return status;
        }
        long address = alignment <= MALLOC_ALIGNMENT
                ? backend.malloc(Math.max(size, 1))
                : backend.aligned(alignment, accounted);
        if (address == 0) {
            ledgers.unreserve(ledger, accounted);
            return Status.FAILED;
        }
        ledger.countAllocation();
        if (c.limit() != 0) {
            try {
                decisions.warnIfCrossed(account, ledger, accounted, c);
            } catch (Throwable t) { // a handler's Error: the caller never gets the block
                discard(account, address, accounted);
                throw t;
            }
        }
        return address;
    }

    /**
     * Books {@code size} bytes to {@code ledger}, the calling thread's (a carved block: no memory is
     * taken here), exactly as {@link #allocate} books them: the budgets, the count, the warning.
     *
     * @return {@link Status#GRANTED} or the negative cause, with nothing booked
     */
    long book(AccountLedger ledger, long size) {
        Account account = ledger.account;
        AllocatorConfig c = config.get();
        if (size > c.maxAllocation()) {
            return Status.TOO_BIG;
        }
        long status = ledgers.reserve(ledger, size);
        if (status < 0) {
            return status;
        }
        ledger.countAllocation();
        if (c.limit() != 0) {
            try {
                decisions.warnIfCrossed(account, ledger, size, c);
            } catch (Throwable t) { // a handler's Error: the caller gets nothing
                unbook(account, size);
                throw t;
            }
        }
        return Status.GRANTED;
    }

    /** Undoes {@link #book}. */
    void unbook(Account account, long size) {
        ledgers.unbook(account, size);
    }

    /** Asks the handlers about a failed attempt (see {@link Decisions#recover}). */
    long recover(Account account, long size, long failure, java.util.function.LongSupplier retry) {
        return decisions.recover(account, size, failure, retry);
    }

    /**
     * @return the address of a thread's {@code spare} first chunk ({@link ConfinedSafeArena#FIRST_CHUNK}
     *     bytes), now lent to the caller; 0 when there is none to lend
     */
    long lendSpare(SpareChunk spare) {
        return spare.lend(spareChunks);
    }

    /** @return {@code malloc(size)} for an arena's chunk, 0 when it failed */
    long mallocChunk(long size) {
        return backend.malloc(size);
    }

    /** Frees one block that never made it into an arena's list, and credits its owner. */
    void discard(Account account, long address, long accounted) {
        backend.free(address, Math.max(accounted, 1));
        ledgers.unbook(account, accounted);
    }

    /** Frees one block an arena took from malloc. */
    void free(long address, long size) {
        backend.free(address, Math.max(size, 1));
    }

    /**
     * Credits the owner, through {@code ledger} (the calling thread's), with an arena's {@code count}
     * allocations of {@code bytes}, freed together.
     */
    void credit(AccountLedger ledger, int count, long bytes) {
        if (count > 0) {
            ledger.countFrees(count);
            // Bytes last: an account whose bytes and counts balance has nothing in flight (Accounts).
            ledgers.unreserve(ledger, bytes);
        }
    }

    /** Arranges for {@code blocks} to be freed once {@code scope} (hence every segment of it) is unreachable. */
    void freeWhenUnreachable(MemorySegment.Scope scope, ArenaBlocks blocks) {
        Cleaner c = cleaner;
        if (c == null) {
            synchronized (this) {
                c = cleaner;
                if (c == null) {
                    c = Cleaner.create(r -> {
                        Thread t = new Thread(r, "SafeAlloc arena cleaner");
                        t.setDaemon(true);
                        return t;
                    });
                    cleaner = c;
                }
            }
        }
        c.register(scope, blocks);
    }

    void freedByCleaner(Account account, int count, long bytes) {
        log.log(Level.INFO, "{0}: an arena left open by a stopped bundle was dropped: "
                + "{1} blocks ({2} bytes) freed", account.owner, String.valueOf(count), String.valueOf(bytes));
    }

    IllegalStateException revoked(Account account) {
        return new IllegalStateException("this SafeAlloc arena was closed because " + account.owner
                + " stopped; its memory is freed");
    }

    /** What an owner's release found in its open arenas. */
    record Released(int arenas, long blocks, long bytes, List<Long> sampleSizes) {
        static final Released NONE = new Released(0, 0, 0, List.of());
    }

    /**
     * Closes every arena the owner left open (it is closed already, so no new one opens): frees
     * their blocks, or, for a confined arena whose thread still runs, revokes it (see
     * {@link ConfinedSafeArena}). Each is logged; the caller reports the totals as leaks.
     */
    Released closeAll(Account account) {
        int[] arenas = new int[1];
        long[] totals = new long[2];
        List<Long> sizes = new ArrayList<>();
        account.closeArenas(arena -> {
            SafeArena.ArenaLeak leak = arena.closeForRelease();
            if (leak == null) {
                return;
            }
            arenas[0]++;
            totals[0] += leak.blocks();
            totals[1] += leak.bytes();
            if (sizes.size() < Leaks.SAMPLE) {
                sizes.add(leak.bytes());
            }
            if (!leak.freed()) {
                log.log(Level.WARNING, "{0} stopped with {1} open: its thread still runs or a native call holds it, "
                        + "so its {2} bytes are freed when that thread closes or drops it", account.owner, arena,
                        String.valueOf(leak.bytes()));
            }
        });
        return arenas[0] == 0 ? Released.NONE : new Released(arenas[0], totals[0], totals[1], List.copyOf(sizes));
    }

    /** @return whether {@code scope} is the scope of an open arena of an open owner (error messages only: it scans) */
    boolean isOpenArenaScope(MemorySegment.Scope scope) {
        boolean[] found = new boolean[1];
        accounts.forEachOpen(a -> a.forEachOpenArena(arena -> found[0] |= arena.scope().equals(scope)));
        return found[0];
    }

    // Where openFigures puts each figure.
    static final int OPEN = 0;
    static final int BLOCKS = 1;
    static final int BYTES = 2;
    static final int LARGEST = 3;

    /** @return the arenas open for {@code account}, their blocks, bytes and largest block (weakly consistent) */
    long[] openFigures(Account account) {
        long[] figures = new long[4];
        account.forEachOpenArena(arena -> {
            figures[OPEN]++;
            figures[BLOCKS] += arena.blocks.count();
            figures[BYTES] += arena.blocks.bytes();
            figures[LARGEST] = Math.max(figures[LARGEST], arena.blocks.largest());
        });
        return figures;
    }
}
