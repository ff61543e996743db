package io.safealloc.allocator.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

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
 * back when a grant is refused, and whenever the number of threads seen has doubled. Before a grant
 * is refused, the reserves of every thread that is not inside a call (parked, blocked, ended) are
 * taken back as well, and running threads get a short while to give theirs back at their next call
 * ({@link #reclaim}): so a LIMIT is declared only when the bytes in use plus the request exceed the
 * limit, unless a thread that kept running all that time holds the difference in reserve. A new
 * limit takes back the idle threads' reserves at once ({@link #capReserves}). With a single
 * thread allocating, grants, peaks, warnings and refusals are exact, because a thread uses up its
 * reserve before it asks for a grant (and the warning check subtracts the caller's reserve).
 *
 * <p>Thread-safety: every method is called by the thread whose ledgers it touches, except the
 * folding of ended threads, which only touches ledgers whose thread has terminated, and the
 * reclaims, which touch a thread's reserves only as {@link Reserve} describes.
 */
final class Ledgers {

    /** How long a reclaim waits at most for running threads to give their reserves back themselves. */
    private static final long RECLAIM_WAIT_NANOS = 20_000_000;

    private final SharedBudget global = new SharedBudget();
    /**
     * Advanced by each reclaim (under {@link #reclaiming}) before it takes any reserve, then the
     * {@link #generation} with it; read when a reserve settles, which is then under its lock (see
     * {@link Reserve}).
     */
    private volatile long epoch;
    /**
     * Advanced whenever what a reserve may hold changes: a reclaim, a new limit, a new quota. Read by
     * every call before it touches a reserve (the only shared field it reads when nothing changed):
     * a reserve settled for another generation settles first, so that a thread a reclaim found
     * idle settles under the reserve's lock at its next call instead of using what was taken.
     */
    private volatile long generation;
    /**
     * The global limit in force (0 for none), as the reserves settle for it: written before the
     * {@link #generation} advances, read after it, so that a thread that sees the new generation
     * settles for the new limit (a limit read from a configuration taken earlier could be the old one).
     */
    private volatile long limit;
    /** Serialises reclaims (a thread waiting here is blocked, so its reserves can be taken meanwhile). */
    private final Object reclaiming = new Object();
    private final ThreadLocal<ThreadLedger> mine = ThreadLocal.withInitial(this::register);
    private final PerThreadLedgers<ThreadLedger> threads =
            new PerThreadLedgers<>(ThreadLedger::isDead, ThreadLedger::giveAllBack);

    /** @param limit the global limit in force, 0 for none */
    Ledgers(long limit) {
        this.limit = limit;
    }

    /**
     * @return the key of the thread-local entries that hold the threads' ledgers: what must stay
     *     reachable for a thread's ledger to stay reachable from the thread once nothing else refers
     *     to this (tests; see {@link SpareChunk} for who keeps it)
     */
    Object threadLocalKey() {
        return mine;
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
     * from the shared budgets (global first, then the owner's quota). Before refusing, it takes back
     * the reserves that back no live memory from every thread that is not inside a call ({@link
     * #reclaim}), so a refusal means that the bytes in use plus {@code bytes} exceed the limit, or
     * that the rest is held in reserve by threads that were running all along the reclaim.
     *
     * @return {@link Status#GRANTED}, or {@link Status#LIMIT_GLOBAL} / {@link Status#LIMIT_BUNDLE} with nothing booked
     */
    long reserve(AccountLedger ledger, long bytes) {
        ThreadLedger thread = ledger.thread;
        settle(ledger);
        if (thread.held >= bytes && ledger.held >= bytes) {
            thread.held -= bytes;
            ledger.held -= bytes;
            ledger.addBytes(bytes);
            return Status.GRANTED;
        }
        return reserveShared(ledger, bytes);
    }

    /**
     * Settles the calling thread's reserves for the limit, the quota and the reclaims in force, if
     * anything changed since it last did (a new {@link #generation}); costs one volatile read and
     * two comparisons when nothing did.
     */
    private void settle(AccountLedger ledger) {
        long now = generation;
        if (ledger.thread.settledGeneration != now || ledger.settledGeneration != now) {
            // Read after the generation, which is advanced after both are written.
            long reclaims = epoch;
            ledger.thread.settle(limit, reclaims, now);
            ledger.settle(ledger.account.limit, reclaims, now);
        }
    }

    /**
     * Sets the global limit in force; every thread settles its reserves for it at its next call (the
     * allocator then also takes idle threads' reserves back at once: {@link #capReserves}).
     *
     * @param newLimit 0 for none
     */
    void limitChanged(long newLimit) {
        limit = newLimit;
        advanceGeneration();
    }

    /** Makes every thread settle its reserves again at its next call, for a quota that changed. */
    void quotaChanged() {
        advanceGeneration();
    }

    private synchronized void advanceGeneration() {
        generation = generation + 1;
    }

    private long reserveShared(AccountLedger ledger, long bytes) {
        ThreadLedger thread = ledger.thread;
        Account account = ledger.account;
        long limit = this.limit;
        long quota = account.limit;
        for (boolean reclaimed = false;; reclaimed = true) {
            if (reclaimed) { // the reclaim took this thread's reserves too: settle before using them
                settle(ledger);
            }
            long globalNeed = thread.shortfall(bytes);
            long globalAfter = globalNeed == 0 ? 0 : global.grant(globalNeed, limit);
            if (globalAfter == SharedBudget.REFUSED) {
                if (!reclaimed) {
                    foldEndedThreads();
                    reclaim(global, threads.current(), bytes, limit);
                    continue;
                }
                return Status.LIMIT_GLOBAL;
            }
            long quotaNeed = ledger.shortfall(bytes);
            long quotaAfter = quotaNeed == 0 ? 0 : account.budget.grant(quotaNeed, quota);
            if (quotaAfter == SharedBudget.REFUSED) {
                if (globalNeed > 0) {
                    global.giveBack(globalNeed);
                }
                if (!reclaimed) {
                    account.foldEndedThreads();
                    reclaim(account.budget, account.ledgers(), bytes, quota);
                    continue;
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
    }

    /**
     * Takes back from {@code budget}'s reserves what backs no live memory: publishes a new epoch,
     * then takes every reserve whose thread is parked, blocked, ended or the caller, and waits (at
     * most {@link #RECLAIM_WAIT_NANOS}) for running threads to give theirs back at their next call,
     * while {@code bytes} still do not fit under {@code limit}. The slow path only: called when a
     * grant was refused, with nothing of the caller's in flight (see {@link Reserve} for why this
     * is safe against the owners' lock-free use of their reserves).
     */
    private void reclaim(SharedBudget budget, Iterable<? extends Reserve> reserves, long bytes, long limit) {
        if (bytes > limit) {
            return; // it can never fit: no reason to disturb anybody
        }
        synchronized (reclaiming) {
            long now = epoch + 1;
            epoch = now; // before any reserve is looked at (see Reserve)
            advanceGeneration();
            List<Reserve> running = new ArrayList<>();
            for (Reserve reserve : reserves) {
                if (!reserve.reclaim(now)) {
                    running.add(reserve);
                }
            }
            long deadline = System.nanoTime() + RECLAIM_WAIT_NANOS;
            for (int round = 0; !running.isEmpty() && budget.granted() + bytes > limit; round++) {
                if (System.nanoTime() - deadline > 0) {
                    return;
                }
                if (round < 100) {
                    Thread.onSpinWait();
                } else if (round < 200) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(50_000); // backing off while running threads reach their next call
                }
                running.removeIf(reserve -> reserve.reclaim(now));
            }
        }
    }

    /**
     * Applies a new limit to the reserves at once: takes back the global reserves of every thread
     * that is not inside a call (the others settle for the new limit at their next call, as before).
     */
    void capReserves() {
        foldEndedThreads();
        synchronized (reclaiming) {
            long now = epoch + 1;
            epoch = now;
            advanceGeneration();
            for (ThreadLedger thread : threads.current()) {
                thread.reclaim(now);
            }
        }
    }

    /**
     * Books memory that exists already (adopted): granted whatever the limits say, the reserves
     * spent first like any allocation; but no budget grants past {@link SharedBudget#MAX_GRANTED},
     * so that no sum of sizes can overflow (and, wrapped negative, let a limit pass anything).
     *
     * @throws IllegalArgumentException with nothing booked, when the global total or the owner's
     *     would pass {@link SharedBudget#MAX_GRANTED}
     */
    void force(AccountLedger ledger, long bytes) {
        ThreadLedger thread = ledger.thread;
        Account account = ledger.account;
        settle(ledger);
        long globalNeed = thread.shortfall(bytes);
        long quotaNeed = ledger.shortfall(bytes);
        // Only a grant may raise a peak: the figure read without one can include another thread's
        // grant that its quota is about to refuse.
        long globalAfter = globalNeed > 0 ? global.force(globalNeed) : 0;
        if (globalAfter == SharedBudget.REFUSED) {
            throw tooMuch(bytes, "in total", global.granted());
        }
        long quotaAfter = quotaNeed > 0 ? account.budget.force(quotaNeed) : 0;
        if (quotaAfter == SharedBudget.REFUSED) {
            if (globalNeed > 0) {
                global.giveBack(globalNeed);
            }
            throw tooMuch(bytes, "by " + account.owner.name(), account.budget.granted());
        }
        global.raisePeak(globalAfter);
        account.budget.raisePeak(quotaAfter);
        book(ledger, bytes, globalNeed, quotaNeed);
    }

    private static IllegalArgumentException tooMuch(long bytes, String held, long granted) {
        return new IllegalArgumentException("adopt: " + bytes + " more bytes would take the bytes held " + held
                + " (" + granted + " with reserves) past " + SharedBudget.MAX_GRANTED
                + ", beyond which the totals could not be kept exact; nothing was adopted");
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

    /**
     * Books one free of {@code bytes} for {@code account} in the calling thread's ledger: the count,
     * then the bytes ({@link #unreserve}).
     */
    void unbook(Account account, long bytes) {
        AccountLedger ledger = of(account);
        ledger.countFree();
        // Bytes last: an account whose bytes and counts balance has nothing in flight (Accounts).
        unreserve(ledger, bytes);
    }

    /** Unbooks {@code bytes} from the calling thread's ledger into its reserves, giving back any excess. */
    void unreserve(AccountLedger ledger, long bytes) {
        ledger.addBytes(-bytes);
        settle(ledger);
        ledger.thread.refill(bytes);
        ledger.refill(bytes);
    }

    private ThreadLedger register() {
        ThreadLedger ledger = new ThreadLedger(global);
        threads.register(ledger);
        return ledger;
    }

    /** Gives back the global reserves of threads that have ended. */
    void foldEndedThreads() {
        threads.foldEnded();
    }
}
