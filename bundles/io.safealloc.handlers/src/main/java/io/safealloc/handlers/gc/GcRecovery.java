package io.safealloc.handlers.gc;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemStats;
import io.safealloc.api.PressureReading;
import io.safealloc.api.PressureSource;
import io.safealloc.api.Recovery;

/**
 * The JDK's own recovery for direct memory, for SafeAlloc: native memory held by objects that are
 * no longer reachable comes back only when the garbage collector has found them and their
 * {@link java.lang.ref.Cleaner} actions have run (for example a bundle that frees its segments from
 * a Cleaner). So on {@link Cause#LIMIT} or {@link Cause#FAIL} this handler requests a GC and then
 * watches the allocator's figures, pausing with a bounded exponential {@link BackOff}:
 * <ul>
 *   <li>{@link Recovery#RETRY} as soon as the request fits the budget it hit again (global limit, or
 *       the requesting bundle's quota; for {@code FAIL}, which has no budget, as soon as any memory
 *       came back), or at the end of the wait if some memory came back at all (a resize may need
 *       less than its full size);</li>
 *   <li>{@link Recovery#DEFER} when nothing came back within the bound: the next handler decides.</li>
 * </ul>
 * {@link Cause#WARNING}, {@link Cause#TOO_BIG} and a {@link Cause#LIMIT} for more than the whole
 * budget (the global limit, or the bundle's quota) — no amount of collected memory makes such a
 * request fit — and causes unknown to this version are {@link Recovery#DEFER}red at once, without a GC.
 *
 * <p>The wait is the point of this handler, and it blocks only the thread whose allocation failed;
 * its length is bounded by {@link BackOff#maxMillis()} per event (plus the GC request and the
 * reading of the figures). An interrupt ends the wait early and is kept on the thread.
 *
 * <p>Thread-safety: immutable; concurrent events are handled independently.
 */
public final class GcRecovery implements MemHandler {

    private final AllocatorService allocator;
    private final BackOff backOff;
    private final Runnable collector;
    private final Pause pause;
    private final Logger log;

    /**
     * @param allocator where the figures come from (any view: {@code stats()} is global, with every
     *     bundle's account)
     * @param backOff how long to wait
     * @param collector requests the collection, {@link System#gc()} in production
     * @param pause takes the pauses, {@link Pause#SLEEP} in production
     * @param log where a recovery is reported (INFO) and a fruitless wait (DEBUG)
     */
    public GcRecovery(AllocatorService allocator, BackOff backOff, Runnable collector, Pause pause, Logger log) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.backOff = Objects.requireNonNull(backOff, "backOff");
        this.collector = Objects.requireNonNull(collector, "collector");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The production handler: {@link System#gc()} and real sleeps. */
    public GcRecovery(AllocatorService allocator, BackOff backOff, Logger log) {
        this(allocator, backOff, System::gc, Pause.SLEEP, log);
    }

    public BackOff backOff() {
        return backOff;
    }

    @Override
    public Recovery handle(MemEvent event) {
        if (event.cause() == Cause.PRESSURE) {
            return pressure(event);
        }
        if (event.cause() != Cause.LIMIT && event.cause() != Cause.FAIL) {
            return Recovery.DEFER;
        }
        if (largerThanTheWholeBudget(event)) {
            // No collection can make room that the budget does not have: waiting would only delay the next handler.
            log.log(Level.DEBUG, "gc: {0} bytes exceed the whole budget of {1} bytes; DEFER at once",
                    String.valueOf(event.size()), String.valueOf(budgetLimit(event)));
            return Recovery.DEFER;
        }
        long before = event.budget() == Budget.BUNDLE ? event.bundleBytesInUse() : event.bytesInUse();
        collector.run();
        long waited = 0;
        long step = 0;
        for (;;) {
            Usage now = usage(event);
            if (now.fits(event.size()) || event.cause() == Cause.FAIL && now.bytes() < before) {
                return retry(event, before, now, waited);
            }
            step = backOff.next(step, waited);
            if (step == 0) {
                break;
            }
            try {
                pause.pause(step);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            waited += step;
        }
        Usage last = usage(event);
        if (last.bytes() < before) {
            return retry(event, before, last, waited);
        }
        log.log(Level.DEBUG, "gc: nothing came back for {0} bytes within {1} ms; DEFER",
                String.valueOf(event.size()), String.valueOf(waited));
        return Recovery.DEFER;
    }

    /**
     * Heap or direct-buffer pressure rising: a collection may return heap, and direct buffers only
     * come back when their owners are collected. One GC per crossing, then RETRY ("measure again");
     * the allocator asks again only while the level stays, and this handler then DEFERs. Container
     * and system pressure, and falling crossings: DEFER (a GC does not return memory to the kernel
     * reliably).
     */
    private Recovery pressure(MemEvent event) {
        PressureReading reading = event.pressure().orElse(null);
        if (reading == null || reading.level().compareTo(event.previousPressureLevel()) <= 0 || event.attempt() > 1
                || (reading.source() != PressureSource.HEAP && reading.source() != PressureSource.DIRECT)) {
            return Recovery.DEFER;
        }
        collector.run();
        log.log(Level.INFO, "gc: {0} pressure {1}: collection requested; RETRY (measure again)", reading.source(),
                reading.level());
        return Recovery.RETRY;
    }

    private Recovery retry(MemEvent event, long before, Usage now, long waited) {
        log.log(Level.INFO, "gc: {0} bytes came back after {1} ms of waiting; RETRY the {2} of {3} bytes",
                String.valueOf(before - now.bytes()), String.valueOf(waited), event.cause(),
                String.valueOf(event.size()));
        return Recovery.RETRY;
    }

    private static boolean largerThanTheWholeBudget(MemEvent event) {
        long limit = budgetLimit(event);
        return event.cause() == Cause.LIMIT && limit > 0 && event.size() > limit;
    }

    /** @return the limit of the budget the event hit: the bundle's quota or the global limit (0: none) */
    private static long budgetLimit(MemEvent event) {
        return event.budget() == Budget.BUNDLE ? event.bundleLimit() : event.limit();
    }

    /**
     * What the budget that was hit holds now: the requesting bundle's account for a quota, the
     * global figures otherwise.
     */
    private Usage usage(MemEvent event) {
        MemStats stats = allocator.stats();
        if (event.budget() == Budget.BUNDLE) {
            for (BundleStats bundle : stats.bundles()) {
                if (bundle.bundleId() == event.bundleId() && bundle.bundleName().equals(event.bundleName())) {
                    return new Usage(bundle.bytesInUse(), bundle.limit());
                }
            }
            // The account is gone (the bundle stopped): nothing to wait for, the retry cannot succeed.
            return new Usage(event.bundleBytesInUse(), 0);
        }
        return new Usage(stats.bytesInUse(), event.cause() == Cause.LIMIT ? stats.limit() : 0);
    }

    /** @param limit the budget, 0 when there is none to fit (then only a drop counts) */
    private record Usage(long bytes, long limit) {
        boolean fits(long size) {
            return limit > 0 && size <= limit && bytes <= limit - size;
        }
    }

    @Override
    public String toString() {
        return "gc handler (" + backOff + ")";
    }
}
