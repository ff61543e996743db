package io.safealloc.allocator.core;

/**
 * Where the allocation path books bytes: each thread in its own ledgers, with plain stores, and in
 * the shared budgets only when its reserve runs short or grows too large. That is what keeps the
 * hot path free of contended atomics (one global and one per-owner {@code AtomicLong} would make two
 * threads' allocate + free a multiple of a naive malloc + free; docs/benchmarks.md has the figures).
 *
 * <p>Invariants: a budget's {@link SharedBudget#granted} equals the bytes in use it covers plus the
 * reserves of the threads (live or not yet folded); the bytes in use therefore never exceed the
 * limit. A thread keeps {@link Reserve#keepFor} bytes in reserve per budget, more once it frees larger
 * blocks but never more than {@link Reserve#ceilingFor}, so another thread can be refused at most that much
 * per thread too early; the reserve of a thread that has ended is given
 * back when a grant is refused, and whenever the number of threads seen has doubled. With a single
 * thread allocating, grants, peaks, warnings and refusals are exact, because a thread uses up its
 * reserve before it asks for a grant (and the warning check subtracts the caller's reserve).
 *
 * <p>Thread-safety: every method is called by the thread whose ledgers it touches, except the
 * folding of ended threads, which only touches ledgers whose thread has terminated.
 */
final class Ledgers {

    private final SharedBudget global = new SharedBudget();
    private final ThreadLocal<ThreadLedger> mine = ThreadLocal.withInitial(this::register);
    private final PerThreadLedgers<ThreadLedger> threads =
            new PerThreadLedgers<>(ThreadLedger::isDead, ended -> ended.giveAllBack(global));

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
     * @return {@link Status#GRANTED}, or {@link Status#LIMIT_GLOBAL} / {@link Status#LIMIT_BUNDLE} with nothing booked
     */
    long reserve(AccountLedger ledger, long bytes, AllocatorConfig config) {
        ThreadLedger thread = ledger.thread;
        Account account = ledger.account;
        long limit = config.limit();
        long quota = account.limit;
        thread.settle(global, limit);
        ledger.settle(account.budget, quota);
        if (thread.held >= bytes && ledger.held >= bytes) {
            thread.held -= bytes;
            ledger.held -= bytes;
            ledger.addBytes(bytes);
            return Status.GRANTED;
        }
        return reserveShared(ledger, bytes, limit, quota);
    }

    private long reserveShared(AccountLedger ledger, long bytes, long limit, long quota) {
        ThreadLedger thread = ledger.thread;
        Account account = ledger.account;
        long globalNeed = thread.shortfall(bytes);
        long globalAfter = grantOrFold(global, globalNeed, limit, this::foldEndedThreads);
        if (globalAfter == SharedBudget.REFUSED) {
            return Status.LIMIT_GLOBAL;
        }
        long quotaNeed = ledger.shortfall(bytes);
        long quotaAfter = grantOrFold(account.budget, quotaNeed, quota, account::foldEndedThreads);
        if (quotaAfter == SharedBudget.REFUSED) {
            if (globalNeed > 0) {
                global.giveBack(globalNeed);
            }
            return Status.LIMIT_BUNDLE;
        }
        // Peaks only now that both budgets granted. A thread asks for a grant only once its reserve
        // is used up, so with one thread allocating the granted figure is exactly the bytes in use.
        global.raisePeak(globalAfter); // no-ops when nothing was granted (0)
        account.budget.raisePeak(quotaAfter);
        book(ledger, bytes, globalNeed, quotaNeed);
        return Status.GRANTED;
    }

    /**
     * Grants {@code need} bytes (nothing to do for 0); on a refusal, folds the reserves of ended
     * threads (they may be what stands in the way) and tries once more.
     *
     * @return the bytes granted after the grant (0 when nothing was needed), or {@link SharedBudget#REFUSED}
     */
    private static long grantOrFold(SharedBudget budget, long need, long limit, Runnable foldEnded) {
        if (need == 0) {
            return 0;
        }
        long after = budget.grant(need, limit);
        if (after == SharedBudget.REFUSED) {
            foldEnded.run();
            after = budget.grant(need, limit);
        }
        return after;
    }

    /**
     * Books memory that exists already (adopted): granted whatever the limits say, the reserves
     * spent first like any allocation.
     */
    void force(AccountLedger ledger, long bytes) {
        long globalNeed = ledger.thread.shortfall(bytes);
        long quotaNeed = ledger.shortfall(bytes);
        // Only a grant may raise a peak: the figure read without one can include another thread's
        // grant that its quota is about to refuse.
        if (globalNeed > 0) {
            global.raisePeak(global.force(globalNeed));
        }
        if (quotaNeed > 0) {
            ledger.account.budget.raisePeak(ledger.account.budget.force(quotaNeed));
        }
        book(ledger, bytes, globalNeed, quotaNeed);
    }

    /** Books {@code bytes} whose shortfalls the budgets have just granted; the reserves cover the rest. */
    private static void book(AccountLedger ledger, long bytes, long globalGranted, long quotaGranted) {
        ledger.thread.spend(bytes, globalGranted);
        ledger.spend(bytes, quotaGranted);
        ledger.addBytes(bytes);
    }

    /**
     * @return the bytes in use as the calling thread can tell cheaply: granted minus its own
     *     reserve. Exact with one thread allocating; otherwise high by at most the other threads'
     *     reserves (for the warning check, which then fires that much early).
     */
    long inUseSeenBy(AccountLedger ledger) {
        return global.granted() - ledger.thread.held;
    }

    /** Unbooks {@code bytes} from the calling thread's ledger into its reserves, giving back any excess. */
    void unreserve(AccountLedger ledger, long bytes, AllocatorConfig config) {
        ledger.addBytes(-bytes);
        ThreadLedger thread = ledger.thread;
        Account account = ledger.account;
        thread.settle(global, config.limit());
        thread.refill(global, bytes);
        ledger.settle(account.budget, account.limit);
        ledger.refill(account.budget, bytes);
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
}
