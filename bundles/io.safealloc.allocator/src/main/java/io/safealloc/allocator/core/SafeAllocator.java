package io.safealloc.allocator.core;

import java.lang.System.Logger;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Holding;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemStats;
import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureReading;
import io.safealloc.api.PressureSource;
import io.safealloc.allocator.core.pressure.AutoLimit;
import io.safealloc.allocator.core.pressure.PressureConfig;
import io.safealloc.allocator.core.pressure.PressureMonitor;
import io.safealloc.allocator.core.pressure.Reading;
import io.safealloc.allocator.core.pressure.SystemFiles;

/**
 * The checked allocator: plain Java, usable without any framework. It is configured and observed
 * here; memory is allocated through the {@link OwnerView}s it opens, the only
 * {@link AllocatorService} of the core: {@link #open(Owner)} gives a view per owner (the OSGi layer
 * opens one per bundle), {@link #unowned()} the view whose allocations belong to {@link Owner#NONE}.
 * Handlers: a ranked chain ({@link #handlers()}) and, after it, the memory handler set with
 * {@link #setMemHandler} (Ioto's {@code rSetMemHandler}), and after that the built-in default.
 *
 * <p>Inside, one class a job: the {@link AllocationEngine} serves the calls, the {@link Decisions}
 * handle what it cannot serve, the {@link Census} reports who holds what.
 *
 * <p>Thread-safety: every public method is thread-safe. Allocation and free take no lock and
 * allocate nothing on the Java heap but the returned segment (a thread's first call for an owner
 * creates its ledger): bytes are booked in per-thread ledgers with budgets granted atomically in
 * small reserves ({@link Ledgers}), the live allocations are a lock-free primitive table. Handlers
 * run on the allocating thread with no lock held.
 */
public final class SafeAllocator {

    private final LiveTable live;
    private final Accounts accounts = new Accounts();
    private final Ledgers ledgers;
    private final Census census;
    private final Decisions decisions;
    private final AllocationEngine engine;
    private final OwnerView unowned;
    private final Logger log;
    private final PressureMonitor pressure;
    /** Guards the limit's inputs below; never held while handlers run or the monitor is reconfigured. */
    private final Object limitLock = new Object();
    private AllocatorConfig requested;
    private LimitPolicy limitPolicy = LimitPolicy.FIXED;
    private AutoLimit autoLimit;
    private boolean shrinking;

    /** An allocator on libc with {@link AllocatorConfig#DEFAULTS}, ending the process on ABORT. */
    public SafeAllocator() {
        this(builder());
    }

    private SafeAllocator(Builder builder) {
        log = builder.log;
        requested = builder.config;
        ledgers = new Ledgers(builder.config.limit());
        live = new LiveTable(builder.slotArrays);
        decisions = new Decisions(builder.log, null, accounts, ledgers, this::config, builder.abortAction);
        pressure = new PressureMonitor(builder.log, decisions::pressure, this::containerMeasured);
        census = new Census(accounts, ledgers, live, this::config, pressure::readings);
        decisions.census(census);
        engine = new AllocationEngine(builder.backend, builder.log, builder.config, live, accounts, ledgers, decisions,
                builder.arenaLists, builder.spareChunks);
        census.arenas(engine.arenas());
        unowned = open(Owner.NONE);
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
        private IntFunction<long[]> slotArrays = long[]::new;
        private IntFunction<long[]> arenaLists = long[]::new;
        private Supplier<MemorySegment> spareChunks = SpareChunk::make;

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

        /** For tests: allocates the live table's new slot arrays when it grows (see {@link LiveTable}). */
        Builder slotArrays(IntFunction<long[]> value) {
            slotArrays = Objects.requireNonNull(value);
            return this;
        }

        /** For tests: allocates an arena's list of malloc'd blocks when it grows (see {@link ArenaBlocks}). */
        Builder arenaLists(IntFunction<long[]> value) {
            arenaLists = Objects.requireNonNull(value);
            return this;
        }

        /** For tests: makes the threads' spare first chunks for their confined arenas (see {@link SpareChunk}). */
        Builder spareChunks(Supplier<MemorySegment> value) {
            spareChunks = Objects.requireNonNull(value);
            return this;
        }

        public SafeAllocator build() {
            return new SafeAllocator(this);
        }
    }

    // ---- configuration -------------------------------------------------------------------------

    /**
     * Applies a new configuration at once; live allocations and accounts are untouched. A new limit
     * also applies at once to what the threads keep in reserve: the reserves of threads that are not
     * inside a call are taken back now, the others settle for the new limit at their next call.
     */
    public void configure(AllocatorConfig newConfig) {
        configure(newConfig, LimitPolicy.FIXED);
    }

    /**
     * Applies a new configuration whose limit follows {@code policy}: with {@link LimitPolicy#auto},
     * the limit of {@code newConfig} is replaced by the one derived from the machine (logged, with
     * how it was computed; read under the root of the pressure configuration, so configure the
     * pressure sources first). While container pressure is HIGH or above and
     * {@code pressureShrinkPercent} is below 100, the limit in force is that share of it.
     */
    public void configure(AllocatorConfig newConfig, LimitPolicy policy) {
        Objects.requireNonNull(newConfig);
        Objects.requireNonNull(policy);
        synchronized (limitLock) {
            requested = newConfig;
            limitPolicy = policy;
            if (policy.auto()) {
                autoLimit = AutoLimit.compute(new SystemFiles(pressure.config().root()), policy.reserve());
                log.log(System.Logger.Level.INFO, autoLimit.explanation());
            }
            applyLimit();
        }
    }

    /** The limit in force from the configured one, {@code limit=auto} and the shrink; under {@code limitLock}. */
    private void applyLimit() {
        long base = limitPolicy.auto() ? autoLimit.limit() : requested.limit();
        int percent = pressure.config().shrinkPercent();
        long effective = !shrinking || base == 0 || percent == 100 ? base
                : Math.max(1, base <= Long.MAX_VALUE / 100 ? base * percent / 100 : base / 100 * percent);
        long before = engine.config().limit();
        engine.configure(requested.withLimit(effective));
        if (effective != before) {
            ledgers.limitChanged(effective);
            ledgers.capReserves();
        }
    }

    /** Every container measurement (monitor's thread): the shrink, and {@code limit=auto} when the container's limit changed. */
    private void containerMeasured(Reading reading) {
        synchronized (limitLock) {
            boolean shrink = reading.level().compareTo(PressureLevel.HIGH) >= 0;
            boolean limitChanged = limitPolicy.auto() && reading.capacity() != autoLimit.containerLimit();
            if (shrink == shrinking && !limitChanged) {
                return;
            }
            if (limitChanged) {
                autoLimit = AutoLimit.compute(new SystemFiles(pressure.config().root()), limitPolicy.reserve());
                log.log(System.Logger.Level.INFO, "the container limit changed: " + autoLimit.explanation());
            }
            boolean shrinkChanged = shrink != shrinking;
            shrinking = shrink;
            applyLimit();
            if (shrinkChanged && pressure.config().shrinkPercent() < 100) {
                log.log(shrink ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                        "container pressure {0}: limit in force {1} bytes{2}", reading.level(),
                        String.valueOf(engine.config().limit()), shrink ? " (" + pressure.config().shrinkPercent()
                                + " % of the configured one until the pressure eases)" : " (the configured one again)");
            }
        }
    }

    /**
     * Measures the pressure sources {@code config} names (none: no thread) and sends their crossings
     * through the handlers; the levels start again at NORMAL when the configuration changed.
     */
    public void configurePressure(PressureConfig config) {
        decisions.setPressureRecovery(config.recovery());
        pressure.configure(config); // outside limitLock: it waits for the monitor's thread, which may want the lock
        synchronized (limitLock) {
            if (!pressure.config().sources().contains(PressureSource.CONTAINER)) {
                shrinking = false; // nothing measures the container any more; otherwise its next measurement decides
            }
            applyLimit();
        }
    }

    /** @return the latest reading of every configured pressure source (also in {@link MemStats#pressure()}) */
    public List<PressureReading> pressure() {
        return List.copyOf(pressure.readings());
    }

    /** @return the pressure configuration in force */
    public PressureConfig pressureConfig() {
        return pressure.config();
    }

    /** Stops measuring pressure (its thread ends); for the owner of the allocator when it goes away. */
    public void closePressure() {
        pressure.close();
    }

    public AllocatorConfig config() {
        return engine.config();
    }

    /** The ranked handlers, asked before the memory handler and the default. */
    public HandlerChain handlers() {
        return decisions.handlers();
    }

    /**
     * Sets the memory handler asked after the ranked handlers (Ioto's {@code rSetMemHandler});
     * {@code null} leaves only the built-in default, which logs and decides the configured
     * {@code defaultRecovery}.
     */
    public void setMemHandler(MemHandler handler) {
        decisions.setMemHandler(handler);
    }

    /** Replaces what an ABORT decision does (tests, or the OSGi layer's graceful shutdown). */
    public void setAbortAction(AbortAction action) {
        decisions.setAbortAction(action);
    }

    /** Adds an observer of decisions, leaks and aborts. */
    public void addObserver(AllocatorObserver observer) {
        decisions.addObserver(observer);
    }

    public void removeObserver(AllocatorObserver observer) {
        decisions.removeObserver(observer);
    }

    /** Sets (limit &gt; 0) or removes (0) the quota of every owner with this name, now and later. */
    public void setQuota(String ownerName, long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("quota of " + ownerName + " must be >= 0 bytes, was " + limit);
        }
        accounts.setQuota(Objects.requireNonNull(ownerName), limit);
        ledgers.quotaChanged();
    }

    // ---- the views -------------------------------------------------------------------------------

    /**
     * Opens an account for {@code owner}: what the returned view allocates is accounted to it, and
     * closing the view frees what it still holds.
     */
    public OwnerView open(Owner owner) {
        return new OwnerView(engine, census, accounts.open(Objects.requireNonNull(owner)));
    }

    /**
     * @return the view whose allocations belong to {@link Owner#NONE}, opened with the allocator: for
     *     use without a framework (one view, so its figures are one account)
     */
    public OwnerView unowned() {
        return unowned;
    }

    // ---- the census ------------------------------------------------------------------------------

    /** @return the totals over every owner and each open owner's figures, biggest holder first */
    public MemStats stats() {
        return census.stats();
    }

    /** @return the live blocks counted by owner, biggest holder first */
    public List<Holding> holdings() {
        return census.holdings();
    }

    /**
     * @return the bytes the allocator holds to track live allocations (its lock-free table; no
     *     native header is used), for measuring the metadata cost per live allocation
     */
    public long trackingBytes() {
        return census.trackingBytes();
    }

    // ---- for white-box tests -----------------------------------------------------------------------

    Ledgers ledgers() {
        return ledgers;
    }

    LiveTable live() {
        return live;
    }

    /** @return the account numbered {@code index} in live entries, or {@code null} once it is retired */
    Account account(int index) {
        return accounts.get(index);
    }
}
