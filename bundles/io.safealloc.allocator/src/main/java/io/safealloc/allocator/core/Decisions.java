package io.safealloc.allocator.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.safealloc.api.Budget;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;
import io.safealloc.api.PressureLevel;
import io.safealloc.api.Unhandled;
import io.safealloc.allocator.core.pressure.Reading;

/**
 * What happens when an allocation cannot be served as asked, or crosses the warning threshold: the
 * handlers are asked in order (the ranked {@link HandlerChain}, then the memory handler set with
 * {@link #setMemHandler}, then the built-in default) and their decision is carried out: retry, fail
 * with a {@link MemoryAllocationException}, or abort. Observers are told every decision, every
 * owner's released leftovers and the abort.
 *
 * <p>Thread-safety: thread-safe. Handlers run on the allocating thread with no lock held; a
 * per-thread guard keeps a failure inside a handler from asking the handlers again. The memory
 * handler, abort action and observers may be changed at any time; a decision in progress sees
 * either the old or the new one.
 */
final class Decisions {

    private final Logger log;
    private Census census;
    private final Accounts accounts;
    private final Ledgers ledgers;
    private final Supplier<AllocatorConfig> config;
    private final HandlerChain handlers = new HandlerChain();
    private final MemHandler defaultHandler;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final CopyOnWriteArrayList<AllocatorObserver> observers = new CopyOnWriteArrayList<>();
    private volatile MemHandler memHandler;
    private volatile AbortAction abortAction;
    private volatile Recovery pressureRecovery = Recovery.DEFER;

    Decisions(Logger log, Census census, Accounts accounts, Ledgers ledgers, Supplier<AllocatorConfig> config,
            AbortAction abortAction) {
        this.log = log;
        this.census = census;
        this.accounts = accounts;
        this.ledgers = ledgers;
        this.config = config;
        this.abortAction = abortAction;
        this.defaultHandler = new DefaultMemHandler(log, config, () -> pressureRecovery);
    }

    /** Set once, right after construction (the census reads the pressure monitor, which reports here). */
    void census(Census value) {
        census = value;
    }

    HandlerChain handlers() {
        return handlers;
    }

    void setMemHandler(MemHandler handler) {
        memHandler = handler;
    }

    void setAbortAction(AbortAction action) {
        abortAction = Objects.requireNonNull(action);
    }

    /** What the default handler decides for a rise into CRITICAL pressure: DEFER or ABORT. */
    void setPressureRecovery(Recovery recovery) {
        pressureRecovery = Objects.requireNonNull(recovery);
    }

    void addObserver(AllocatorObserver observer) {
        observers.add(Objects.requireNonNull(observer));
    }

    void removeObserver(AllocatorObserver observer) {
        observers.remove(observer);
    }

    /**
     * Asks the handlers about a failed attempt and acts on their decision until an attempt
     * succeeds or the decision ends the call.
     *
     * @param failure the negative {@link Status} of the first attempt
     * @param retry one more attempt, returning an address or a negative {@link Status}
     * @return the address of the attempt that succeeded
     */
    long recover(Account account, long size, long failure, LongSupplier retry) {
        long status = failure;
        for (int attempt = 1;; attempt++) {
            Event event = event(Status.causeOf(status), Status.budgetOf(status), size, account, attempt);
            Recovery decision = decide(account, event);
            if (!observers.isEmpty()) {
                Recovery acted = decision == Recovery.RETRY && attempt > config.get().maxRetries()
                        ? Recovery.FAIL : decision;
                notifyObservers(o -> o.decided(event, acted));
            }
            if (decision == Recovery.RETRY && attempt <= config.get().maxRetries()) {
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
                    ? "retries exhausted after " + config.get().maxRetries() + " retries"
                    : "decision " + decision;
            throw new MemoryAllocationException("Memory allocation error for " + size + " bytes: "
                    + event.describe() + "; " + why, event, decision, census.stats());
        }
    }

    /**
     * A pressure source crossed a level: asks the handlers as for a failure, on the monitor's
     * thread. RETRY ("I freed something") measures again and asks again while the level stays (at
     * most {@code maxRetries} times); a level that changed is announced by the monitor as a new
     * crossing. FAIL acknowledges; ABORT aborts. Counted as {@link Cause#PRESSURE} in the global
     * figures only: no owner asked for anything.
     */
    void pressure(Reading reading, PressureLevel previous, Supplier<Reading> remeasure) {
        Reading current = reading;
        for (int attempt = 1;; attempt++) {
            Census.Snapshot now = census.snapshot();
            Event event = new Event(Cause.PRESSURE, 0, now.bytesInUse(), config.get().limit(), Budget.NONE, 0, 0,
                    attempt, MemEvent.NO_BUNDLE_ID, MemEvent.NO_BUNDLE_NAME, now.topHolders(), current, previous);
            accounts.countGlobal(Cause.PRESSURE);
            Recovery decision = Unhandled.isActive() ? Recovery.FAIL : Unhandled.call(() -> askChain(event));
            boolean retry = decision == Recovery.RETRY && attempt <= config.get().maxRetries();
            if (!observers.isEmpty()) {
                Recovery acted = decision == Recovery.RETRY && !retry ? Recovery.FAIL : decision;
                notifyObservers(o -> o.decided(event, acted));
            }
            if (decision == Recovery.ABORT) {
                abort(event);
                return;
            }
            if (!retry) {
                return;
            }
            Reading again = remeasure.get();
            if (again.level() != current.level()) {
                return;
            }
            current = again;
        }
    }

    private Recovery decide(Account account, Event event) {
        accounts.countFailure(account, event.cause());
        if (Unhandled.isActive()) {
            log.log(Level.DEBUG, "allocation failed inside a memory handler or Unhandled work: FAIL without "
                    + "asking the handlers");
            return Recovery.FAIL;
        }
        // Unhandled while the chain runs: a handler that allocates and fails must not re-enter it.
        return Unhandled.call(() -> askChain(event));
    }

    private Recovery askChain(Event event) {
        for (HandlerChain.Ranked ranked : handlers.snapshot()) {
            Recovery decision = ask(ranked.handler(), ranked.description(), event);
            if (decision != Recovery.DEFER) {
                return decision;
            }
        }
        MemHandler custom = memHandler;
        if (custom != null) {
            Recovery decision = ask(custom, "set with setMemHandler: " + HandlerNames.of(custom), event);
            if (decision != Recovery.DEFER) {
                return decision;
            }
        }
        return ask(defaultHandler, "the default handler", event);
    }

    /**
     * A handler that throws is one line at ERROR (which handler, what it threw) and the stack trace
     * at DEBUG: a console full of frames hides the figures an operator needs.
     */
    private Recovery ask(MemHandler handler, String which, MemEvent event) {
        try {
            Recovery decision = handler.handle(event);
            return decision == null ? Recovery.DEFER : decision;
        } catch (InternalError | UnknownError broken) {
            throw broken; // the JVM itself is failing: nothing a handler chain can decide
        } catch (Throwable e) { // an OutOfMemoryError is to be expected in a memory handler
            log.log(Level.ERROR, "memory handler {0} threw {1}; treated as DEFER", which, String.valueOf(e));
            log.log(Level.DEBUG, "memory handler " + which + " threw", e);
            return Recovery.DEFER;
        }
    }

    /**
     * Raises a WARNING when the {@code bytes} just booked took usage across the threshold upward.
     * Usage is what this thread can see cheaply ({@link Ledgers#inUseSeenBy}): exact with one
     * thread allocating, otherwise early by at most the other threads' small reserves. The engine
     * calls it only under a limit (without one there is no threshold).
     */
    void warnIfCrossed(Account account, AccountLedger ledger, long bytes, AllocatorConfig c) {
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

    /** Tells the observers what a closed owner still held; the engine has freed it. */
    void released(Leaks leaks) {
        notifyObservers(o -> o.released(leaks));
    }

    private void abort(MemEvent event) {
        if (aborted.compareAndSet(false, true)) {
            int exitCode = config.get().abortExitCode();
            if (event.cause() == Cause.PRESSURE) {
                log.log(Level.ERROR, "Memory pressure {0}: aborting, exit code {1}",
                        event.pressure().map(r -> r.source() + " " + r.level()).orElse(""), String.valueOf(exitCode));
            } else {
                log.log(Level.ERROR, "Memory allocation error for {0} bytes: aborting, exit code {1}",
                        String.valueOf(event.size()), String.valueOf(exitCode));
            }
            notifyObservers(o -> o.aborting(event, exitCode));
            abortAction.abort(event, exitCode);
        }
    }

    private void notifyObservers(Consumer<AllocatorObserver> news) {
        for (AllocatorObserver observer : observers) {
            try {
                news.accept(observer);
            } catch (RuntimeException e) {
                log.log(Level.ERROR, "allocator observer " + observer + " threw; ignored", e);
            }
        }
    }

    private Event event(Cause cause, Budget budget, long size, Account account, int attempt) {
        Census.Snapshot now = census.snapshot();
        return new Event(cause, size, now.bytesInUse(), config.get().limit(), budget, account.tally().bytes(),
                account.limit, attempt, account.owner.id(), account.owner.name(), now.topHolders());
    }
}
