package io.safealloc.allocator.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemStats;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * The checked allocator: plain Java, usable without any framework.
 *
 * <p>Used directly, it is an {@link AllocatorService} whose allocations belong to
 * {@link Owner#NONE}; {@link #open(Owner)} gives a view per owner (the OSGi layer opens one per
 * bundle). Handlers: a ranked chain ({@link #handlers()}) and, after it, the memory handler set with
 * {@link #setMemHandler} (Ioto's {@code rSetMemHandler}), and after that the built-in default.
 *
 * <p>Thread-safety: every public method is thread-safe. Allocation and free take no lock and
 * allocate nothing on the Java heap but the returned segment (a thread's first call for an owner
 * creates its ledger): bytes are booked in per-thread ledgers with budgets granted atomically in
 * small reserves ({@link Ledgers}), the live allocations are a lock-free primitive table. Handlers
 * run on the allocating thread with no lock held.
 */
public final class SafeAllocator implements AllocatorService {

    // Negative results of an allocation attempt; a non-negative result is an address.
    private static final long LIMIT_GLOBAL = Ledgers.LIMIT_GLOBAL;
    private static final long LIMIT_BUNDLE = Ledgers.LIMIT_BUNDLE;
    private static final long FAILED = -3;
    private static final long TOO_BIG = -4;

    private static final int MALLOC = 0;
    private static final int CALLOC = 1;
    private static final int ALIGNED = 2;

    /** What malloc guarantees on 64-bit platforms. */
    private static final long MALLOC_ALIGNMENT = 16;
    private static final int TOP_HOLDERS = 5;

    private final NativeBackend backend;
    private final Logger log;
    private final LiveTable live = new LiveTable();
    private final Lifetimes lifetimes = new Lifetimes();
    /** Serialises adopt's check-then-insert (see {@link #adopt}). */
    private final Object adoptions = new Object();
    private final Accounts accounts = new Accounts();
    private final Ledgers ledgers = new Ledgers();
    private final HandlerChain handlers = new HandlerChain();
    private final MemHandler defaultHandler;
    private final AtomicBoolean aborted = new AtomicBoolean();
    /** Set while this thread runs handlers: a failure inside a handler must not recurse into them. */
    private final ThreadLocal<Boolean> deciding = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final OwnerView unowned;

    private final java.util.concurrent.CopyOnWriteArrayList<AllocatorObserver> observers =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile AllocatorConfig config;
    private volatile MemHandler memHandler;
    private volatile AbortAction abortAction;

    /** An allocator on libc with {@link AllocatorConfig#DEFAULTS}, ending the process on ABORT. */
    public SafeAllocator() {
        this(builder());
    }

    private SafeAllocator(Builder builder) {
        this.backend = builder.backend;
        this.log = builder.log;
        this.config = builder.config;
        this.abortAction = builder.abortAction;
        this.defaultHandler = new DefaultMemHandler(log, () -> config);
        this.unowned = open(Owner.NONE);
    }

    /** @return a builder, defaulting to libc, {@link AllocatorConfig#DEFAULTS} and process exit */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link SafeAllocator}. */
    public static final class Builder {
        private NativeBackend backend = LibcBackend.INSTANCE;
        private AllocatorConfig config = AllocatorConfig.DEFAULTS;
        private AbortAction abortAction = AbortAction.exitProcess(10_000);
        private Logger log = System.getLogger("io.safealloc.allocator");

        public Builder backend(NativeBackend value) {
            backend = Objects.requireNonNull(value);
            return this;
        }

        public Builder config(AllocatorConfig value) {
            config = Objects.requireNonNull(value);
            return this;
        }

        public Builder abortAction(AbortAction value) {
            abortAction = Objects.requireNonNull(value);
            return this;
        }

        public Builder logger(Logger value) {
            log = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Logs nothing: for tests, benchmarks and embedders that report failures themselves (the
         * decisions still reach the handlers, observers and exceptions).
         */
        public Builder silent() {
            return logger(SilentLogger.INSTANCE);
        }

        public SafeAllocator build() {
            return new SafeAllocator(this);
        }
    }

    // ---- configuration -------------------------------------------------------------------------

    /** Applies a new configuration at once; live allocations and accounts are untouched. */
    public void configure(AllocatorConfig newConfig) {
        config = Objects.requireNonNull(newConfig);
    }

    public AllocatorConfig config() {
        return config;
    }

    /** The ranked handlers, asked before the memory handler and the default. */
    public HandlerChain handlers() {
        return handlers;
    }

    /**
     * Sets the memory handler asked after the ranked handlers (Ioto's {@code rSetMemHandler});
     * {@code null} leaves only the built-in default, which logs and decides the configured
     * {@code defaultRecovery}.
     */
    public void setMemHandler(MemHandler handler) {
        memHandler = handler;
    }

    /** Replaces what an ABORT decision does (tests, or the OSGi layer's graceful shutdown). */
    public void setAbortAction(AbortAction action) {
        abortAction = Objects.requireNonNull(action);
    }

    /** Adds an observer of decisions, leaks and aborts. */
    public void addObserver(AllocatorObserver observer) {
        observers.add(Objects.requireNonNull(observer));
    }

    public void removeObserver(AllocatorObserver observer) {
        observers.remove(observer);
    }

    private void notifyObservers(java.util.function.Consumer<AllocatorObserver> news) {
        for (AllocatorObserver observer : observers) {
            try {
                news.accept(observer);
            } catch (RuntimeException e) {
                log.log(Level.ERROR, "allocator observer " + observer + " threw; ignored", e);
            }
        }
    }

    /** Sets (limit &gt; 0) or removes (0) the quota of every owner with this name, now and later. */
    public void setQuota(String ownerName, long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("quota of " + ownerName + " must be >= 0 bytes, was " + limit);
        }
        accounts.setQuota(Objects.requireNonNull(ownerName), limit);
    }

    /**
     * Opens an account for {@code owner}: what the returned view allocates is accounted to it, and
     * closing the view frees what it still holds.
     */
    public OwnerView open(Owner owner) {
        return new OwnerView(this, accounts.open(Objects.requireNonNull(owner)));
    }

    // ---- AllocatorService, on behalf of Owner.NONE ------------------------------------------------

    @Override
    public MemorySegment rAlloc(long size) {
        return unowned.rAlloc(size);
    }

    @Override
    public MemorySegment rAllocType(MemoryLayout layout) {
        return unowned.rAllocType(layout);
    }

    @Override
    public MemorySegment rRealloc(MemorySegment segment, long newSize) {
        return unowned.rRealloc(segment, newSize);
    }

    @Override
    public MemorySegment rMemdup(MemorySegment source) {
        return unowned.rMemdup(source);
    }

    @Override
    public void rFree(MemorySegment segment) {
        free(segment);
    }

    @Override
    public MemorySegment adopt(MemorySegment nativeMemory, long size) {
        return unowned.adopt(nativeMemory, size);
    }

    // ---- the allocation paths -------------------------------------------------------------------

    MemorySegment allocate(Account account, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("rAlloc: size must be >= 0, was " + size);
        }
        long address = tryAllocate(account, size, MALLOC, MALLOC_ALIGNMENT);
        if (address < 0) {
            address = recover(account, size, address, () -> tryAllocate(account, size, MALLOC, MALLOC_ALIGNMENT));
        }
        return handOut(account, address, size);
    }

    MemorySegment allocateType(Account account, MemoryLayout layout) {
        long size = layout.byteSize();
        long alignment = layout.byteAlignment();
        int kind = alignment <= MALLOC_ALIGNMENT ? CALLOC : ALIGNED;
        long address = tryAllocate(account, size, kind, alignment);
        if (address < 0) {
            address = recover(account, size, address, () -> tryAllocate(account, size, kind, alignment));
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
        java.lang.foreign.Arena lifetime = lifetimes.begin(address);
        if (account.closed) {
            lifetimes.end(address, lifetime);
            throw closedError(account);
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
                return TOO_BIG;
            }
            block = rounded;
        }
        long accounted = kind == ALIGNED ? block : size;
        if (size > c.maxAllocation() || block > Entry.MAX_SIZE) {
            return TOO_BIG;
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
            return FAILED;
        }
        ledger.countAllocation();
        record(account, address, accounted);
        warnIfCrossed(account, ledger, accounted, c);
        return address;
    }

    /** Enters a fresh allocation in the live table, undoing it if its owner closed meanwhile. */
    private void record(Account account, long address, long size) {
        live.insert(address, Entry.of(size, account.index));
        if (account.closed) {
            // The owner was closed while this call was in flight and its release may have missed it.
            if (live.remove(address) != LiveTable.NOT_FOUND) {
                release(account, address, size);
            }
            throw closedError(account);
        }
    }

    /** The owner was closed while a call was in flight; whatever that call allocated is freed. */
    static final class OwnerClosedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        OwnerClosedException(String message) {
            super(message);
        }
    }

    static IllegalStateException closedError(Account account) {
        return new OwnerClosedException("the allocator view of " + account.owner
                + " is closed (the bundle released the service); nothing was allocated");
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
        java.lang.foreign.Arena lifetime = lifetimes.verify("rFree", segment, address);
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
        java.lang.foreign.Arena lifetime = lifetimes.verify("rRealloc", segment, address);
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
                result = recover(owner, newSize, result, () -> tryRealloc(owner, address, oldSize, newSize));
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

    private void closeQuietly(long address, java.lang.foreign.Arena lifetime) {
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
            return TOO_BIG;
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
            return FAILED;
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
            ledgers.force(ledger, size);
            ledger.countAllocation();
            record(account, address, size);
        }
        warnIfCrossed(account, ledger, size, config);
        return handOut(account, address, size);
    }

    // ---- recovery -----------------------------------------------------------------------------

    /**
     * Asks the handlers about a failed attempt and acts on their decision until an attempt
     * succeeds or the decision ends the call.
     */
    private long recover(Account account, long size, long failure, LongSupplier retry) {
        long status = failure;
        for (int attempt = 1;; attempt++) {
            Event event = event(causeOf(status), budgetOf(status), size, account, attempt);
            Recovery decision = decide(account, event);
            if (!observers.isEmpty()) {
                Recovery acted = decision == Recovery.RETRY && attempt > config.maxRetries() ? Recovery.FAIL : decision;
                notifyObservers(o -> o.decided(event, acted));
            }
            if (decision == Recovery.RETRY && attempt <= config.maxRetries()) {
                status = retry.getAsLong();
                if (status >= 0) {
                    return status;
                }
                continue;
            }
            if (decision == Recovery.ABORT) {
                abort(event);
            }
            String why = decision == Recovery.RETRY
                    ? "retries exhausted after " + config.maxRetries() + " retries"
                    : "decision " + decision;
            throw new MemoryAllocationException("Memory allocation error for " + size + " bytes: "
                    + event.describe() + "; " + why, event, decision, stats());
        }
    }

    private Recovery decide(Account account, Event event) {
        account.failures.incrementAndGet(event.cause().ordinal());
        if (deciding.get()) {
            log.log(Level.DEBUG, "allocation failed inside a memory handler: FAIL without asking the handlers");
            return Recovery.FAIL;
        }
        deciding.set(Boolean.TRUE);
        try {
            for (HandlerChain.Ranked ranked : handlers.snapshot()) {
                Recovery decision = ask(ranked.handler(), event);
                if (decision != Recovery.DEFER) {
                    return decision;
                }
            }
            MemHandler custom = memHandler;
            if (custom != null) {
                Recovery decision = ask(custom, event);
                if (decision != Recovery.DEFER) {
                    return decision;
                }
            }
            return ask(defaultHandler, event);
        } finally {
            deciding.set(Boolean.FALSE);
        }
    }

    private Recovery ask(MemHandler handler, MemEvent event) {
        try {
            Recovery decision = handler.handle(event);
            return decision == null ? Recovery.DEFER : decision;
        } catch (InternalError | UnknownError broken) {
            throw broken; // the JVM itself is failing: nothing a handler chain can decide
        } catch (Throwable e) { // an OutOfMemoryError is to be expected in a memory handler
            log.log(Level.ERROR, "memory handler " + handler + " threw; treated as DEFER", e);
            return Recovery.DEFER;
        }
    }

    /**
     * Raises a WARNING when the {@code bytes} just booked took usage across the threshold upward.
     * Usage is what this thread can see cheaply ({@link Ledgers#inUseSeenBy}): exact with one
     * thread allocating, otherwise early by at most the other threads' small reserves.
     */
    private void warnIfCrossed(Account account, AccountLedger ledger, long bytes, AllocatorConfig c) {
        if (c.limit() == 0) {
            return; // no limit, no threshold: the common case costs one comparison
        }
        long threshold = c.warnThreshold();
        long after = ledgers.inUseSeenBy(ledger);
        if (after < threshold || after - bytes >= threshold) {
            return;
        }
        Event event = event(Cause.WARNING, Budget.NONE, bytes, account, 1);
        Recovery decision = decide(account, event);
        if (!observers.isEmpty()) {
            notifyObservers(o -> o.decided(event, decision));
        }
        if (decision == Recovery.ABORT) {
            abort(event);
        }
    }

    private void abort(MemEvent event) {
        if (aborted.compareAndSet(false, true)) {
            int exitCode = config.abortExitCode();
            log.log(Level.ERROR, "Memory allocation error for {0} bytes: aborting, exit code {1}",
                    String.valueOf(event.size()), String.valueOf(exitCode));
            notifyObservers(o -> o.aborting(event, exitCode));
            abortAction.abort(event, exitCode);
        }
    }

    private static Cause causeOf(long status) {
        return status == FAILED ? Cause.FAIL : status == TOO_BIG ? Cause.TOO_BIG : Cause.LIMIT;
    }

    private static Budget budgetOf(long status) {
        return status == LIMIT_GLOBAL ? Budget.GLOBAL : status == LIMIT_BUNDLE ? Budget.BUNDLE : Budget.NONE;
    }

    private Event event(Cause cause, Budget budget, long size, Account account, int attempt) {
        Snapshot now = snapshot();
        List<BundleStats> top = now.owners().subList(0, Math.min(TOP_HOLDERS, now.owners().size()));
        return new Event(cause, size, now.bytesInUse(), config.limit(), budget, account.tally().bytes(), account.limit,
                attempt, account.owner.id(), account.owner.name(), List.copyOf(top));
    }

    // ---- owners and statistics ---------------------------------------------------------------

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
            notifyObservers(o -> o.released(leaks));
            log.log(Level.WARNING, "{0} stopped holding {1} allocations ({2} bytes; sizes {3}): released",
                    account.owner, String.valueOf(leaks.count()), String.valueOf(leaks.bytes()), leaks.sampleSizes());
        }
        return leaks;
    }

    /**
     * The totals over every owner and the figures of the open owners (the unowned account only once it
     * allocated), biggest holder first, from one pass over the accounts.
     */
    private record Snapshot(long[] sums, List<BundleStats> owners) {
        long bytesInUse() {
            return sums[Accounts.BYTES];
        }
    }

    private Snapshot snapshot() {
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

    @Override
    public MemStats stats() {
        AllocatorConfig c = config;
        Snapshot now = snapshot();
        long[] sums = now.sums();
        long allocations = sums[Accounts.ALLOCATIONS];
        long frees = sums[Accounts.FREES];
        return new Stats(MemEvent.NO_BUNDLE_ID, "all", sums[Accounts.BYTES], ledgers.global().peak(), c.limit(),
                Math.max(0, allocations - frees), allocations, frees, Figures.failures(i -> sums[Accounts.FAILURES + i]),
                c.warnThreshold(), c.maxAllocation(), now.owners());
    }

    /** For white-box tests. */
    Ledgers ledgers() {
        return ledgers;
    }

    /**
     * @return the bytes the allocator holds to track live allocations (its lock-free table; no
     *     native header is used), for measuring the metadata cost per live allocation
     */
    public long trackingBytes() {
        return live.capacity() * 2 * Long.BYTES;
    }

    @Override
    public List<io.safealloc.api.Holding> holdings() {
        java.util.Map<Integer, long[]> byOwner = new java.util.HashMap<>();
        live.forEach((address, entry) -> {
            long[] sums = byOwner.computeIfAbsent(Entry.owner(entry), k -> new long[3]);
            long size = Entry.size(entry);
            sums[0]++;
            sums[1] += size;
            sums[2] = Math.max(sums[2], size);
        });
        List<io.safealloc.api.Holding> holdings = new ArrayList<>();
        byOwner.forEach((index, sums) -> {
            Account a = accounts.get(index);
            if (a != null) {
                holdings.add(new HoldingFigures(a.owner.id(), a.owner.name(), sums[0], sums[1], sums[2]));
            }
        });
        holdings.sort(Comparator.comparingLong(io.safealloc.api.Holding::bytes).reversed());
        return holdings;
    }

    /** Visits every live allocation: address, size and owner (for leak reports and tools). */
    public void forEachLive(LiveAllocationVisitor visitor) {
        live.forEach((address, entry) -> {
            Account a = accounts.get(Entry.owner(entry));
            if (a != null) {
                visitor.visit(address, Entry.size(entry), a.owner);
            }
        });
    }

    /** Receives one live allocation. */
    @FunctionalInterface
    public interface LiveAllocationVisitor {
        void visit(long address, long size, Owner owner);
    }
}
