package io.safealloc.allocator.core;

/**
 * Where the allocation path books bytes: each thread in its own ledgers, with plain stores, and in
 * the shared budgets only when its reserve runs short or grows too large. That is what keeps the
 * hot path free of contended atomics (with one global and one per-owner {@code AtomicLong}, two
 * threads' allocate + free cost 10x a naive malloc + free; see docs/benchmarks.md).
 *
 * <p>Invariants: a budget's {@link SharedBudget#granted} equals the bytes in use it covers plus the
 * reserves of the threads (live or not yet folded); the bytes in use therefore never exceed the
 * limit. A thread keeps at most {@link #keepFor} bytes in reserve per budget, so another thread can
 * be refused at most that much per thread too early; the reserve of a thread that has ended is given
 * back when a grant is refused, and whenever the number of threads seen has doubled. With a single
 * thread allocating, grants, peaks, warnings and refusals are exact, because a thread uses up its
 * reserve before it asks for a grant (and the warning check subtracts the caller's reserve).
 *
 * <p>Thread-safety: every method is called by the thread whose ledgers it touches, except the
 * folding of ended threads, which only touches ledgers whose thread has terminated.
 */
final class Ledgers {

    /** Returned by {@link #reserve} when the bytes were booked. */
    static final long GRANTED = 0;
    static final long LIMIT_GLOBAL = -1;
    static final long LIMIT_BUNDLE = -2;

    /** The most a thread keeps in reserve when there is no limit. */
    static final long MAX_KEEP = 64 * 1024;

    private final SharedBudget global = new SharedBudget();
    private final ThreadLocal<ThreadLedger> mine = ThreadLocal.withInitial(this::register);
    private final PerThreadLedgers<ThreadLedger> threads =
            new PerThreadLedgers<>(ledger -> !ledger.owner.isAlive(), this::fold);

    /**
     * @param limit 0 for none
     * @return how much a thread may keep in reserve: 64 KiB without a limit, else a 1024th of it
     *     (at most 64 KiB), so that a limit is never overshot and rarely refused early
     */
    static long keepFor(long limit) {
        return limit == 0 ? MAX_KEEP : Math.min(MAX_KEEP, limit >>> 10);
    }

    SharedBudget global() {
        return global;
    }

    /** @return the calling thread's ledger for {@code account} */
    AccountLedger of(Account account) {
        AccountLedger ledger = account.cachedLedger();
        return ledger != null ? ledger : lookUp(account);
    }

    private AccountLedger lookUp(Account account) {
        ThreadLedger thread = mine.get();
        AccountLedger ledger = thread.find(account);
        if (ledger == null) {
            ledger = account.openLedger(thread);
        }
        if (!ledger.cacheTried) { // once: a thread that collided must not take the account's lock every call
            ledger.cacheTried = true;
            account.cache(ledger);
        }
        return ledger;
    }

    /**
     * Books {@code bytes} to the calling thread's ledger, from its reserves when they cover it, else
     * from the shared budgets (global first, then the owner's quota).
     *
     * @return {@link #GRANTED}, or {@link #LIMIT_GLOBAL} / {@link #LIMIT_BUNDLE} with nothing booked
     */
    long reserve(AccountLedger ledger, long bytes, AllocatorConfig config) {
        ThreadLedger thread = ledger.thread;
        settle(thread, config);
        long quota = ledger.account.limit;
        settle(ledger, quota);
        if (thread.reserve >= bytes && ledger.reserve >= bytes) {
            thread.reserve -= bytes;
            ledger.reserve -= bytes;
            ledger.addBytes(bytes);
            return GRANTED;
        }
        return reserveShared(ledger, bytes, config.limit(), quota);
    }

    private long reserveShared(AccountLedger ledger, long bytes, long limit, long quota) {
        ThreadLedger thread = ledger.thread;
        Account account = ledger.account;
        long globalNeed = Math.max(0, bytes - thread.reserve);
        long globalAfter = 0;
        if (globalNeed > 0) {
            globalAfter = global.grant(globalNeed, limit);
            if (globalAfter == SharedBudget.REFUSED) {
                foldEndedThreads(); // their reserves may be what stands in the way
                globalAfter = global.grant(globalNeed, limit);
                if (globalAfter == SharedBudget.REFUSED) {
                    return LIMIT_GLOBAL;
                }
            }
        }
        long quotaNeed = Math.max(0, bytes - ledger.reserve);
        long quotaAfter = 0;
        if (quotaNeed > 0) {
            quotaAfter = account.budget.grant(quotaNeed, quota);
            if (quotaAfter == SharedBudget.REFUSED) {
                account.foldEndedThreads();
                quotaAfter = account.budget.grant(quotaNeed, quota);
                if (quotaAfter == SharedBudget.REFUSED) {
                    if (globalNeed > 0) {
                        global.giveBack(globalNeed);
                    }
                    return LIMIT_BUNDLE;
                }
            }
        }
        // Peaks only now that both budgets granted. A thread asks for a grant only once its reserve
        // is used up, so with one thread allocating the granted figure is exactly the bytes in use.
        if (globalNeed > 0) {
            global.raisePeak(globalAfter);
        }
        if (quotaNeed > 0) {
            account.budget.raisePeak(quotaAfter);
        }
        thread.reserve -= bytes - globalNeed;
        ledger.reserve -= bytes - quotaNeed;
        ledger.addBytes(bytes);
        return GRANTED;
    }

    /**
     * Books memory that exists already (adopted): granted whatever the limits say, the reserves
     * spent first like any allocation.
     */
    void force(AccountLedger ledger, long bytes) {
        ThreadLedger thread = ledger.thread;
        long globalNeed = Math.max(0, bytes - thread.reserve);
        long quotaNeed = Math.max(0, bytes - ledger.reserve);
        if (globalNeed > 0) {
            global.raisePeak(global.force(globalNeed));
        }
        if (quotaNeed > 0) {
            ledger.account.budget.raisePeak(ledger.account.budget.force(quotaNeed));
        }
        thread.reserve -= bytes - globalNeed;
        ledger.reserve -= bytes - quotaNeed;
        ledger.addBytes(bytes);
    }

    /**
     * @return the bytes in use as the calling thread can tell cheaply: granted minus its own
     *     reserve. Exact with one thread allocating; otherwise high by at most the other threads'
     *     reserves (for the warning check, which then fires that much early).
     */
    long inUseSeenBy(AccountLedger ledger) {
        return global.granted() - ledger.thread.reserve;
    }

    /** Unbooks {@code bytes} from the calling thread's ledger into its reserves, giving back any excess. */
    void unreserve(AccountLedger ledger, long bytes, AllocatorConfig config) {
        ledger.addBytes(-bytes);
        ThreadLedger thread = ledger.thread;
        settle(thread, config);
        thread.reserve = keepOrGiveBack(global, thread.reserve + bytes, thread.keep);
        settle(ledger, ledger.account.limit);
        ledger.reserve = keepOrGiveBack(ledger.account.budget, ledger.reserve + bytes, ledger.keep);
    }

    private static long keepOrGiveBack(SharedBudget budget, long reserve, long keep) {
        if (reserve > keep) {
            budget.giveBack(reserve - keep);
            return keep;
        }
        return reserve;
    }

    /** A new limit applies to reserves at the thread's next call: what exceeds the new keep goes back. */
    private void settle(ThreadLedger thread, AllocatorConfig config) {
        if (thread.settledFor != config) {
            thread.keep = keepFor(config.limit());
            thread.reserve = keepOrGiveBack(global, thread.reserve, thread.keep);
            thread.settledFor = config;
        }
    }

    private static void settle(AccountLedger ledger, long quota) {
        if (ledger.settledQuota != quota) {
            ledger.keep = keepFor(quota);
            ledger.reserve = keepOrGiveBack(ledger.account.budget, ledger.reserve, ledger.keep);
            ledger.settledQuota = quota;
        }
    }

    private ThreadLedger register() {
        ThreadLedger ledger = new ThreadLedger();
        threads.register(ledger);
        return ledger;
    }

    /** Gives back the global reserves of threads that have ended. */
    void foldEndedThreads() {
        threads.foldEnded();
    }

    private void fold(ThreadLedger ended) {
        global.giveBack(ended.reserve);
        ended.reserve = 0;
    }
}
