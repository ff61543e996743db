package io.safealloc.handlers.guard;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;

/**
 * Stops reboot loops: a gateway that aborts (or restarts) on every allocation failure and meets the
 * same failure after each start would reboot forever, off-line for good. The guard counts the
 * aborts and restarts recorded in its {@link AbortHistory}; once {@link GuardLimits#maxAborts()} of
 * them happened within {@link GuardLimits#window()}, the next one would be one too many, so on
 * {@link Cause#LIMIT}, {@link Cause#FAIL} and {@link Cause#TOO_BIG} it decides {@link Recovery#FAIL}:
 * degraded mode, allocations fail cleanly and the process stays up. Otherwise it decides
 * {@link Recovery#DEFER}. Meant for the top of the chain, so that no lower handler (or the default)
 * gets to abort. {@link Cause#WARNING} and causes unknown to this version are always deferred.
 *
 * <p>Entering degraded mode is logged and announced once through {@code degradedNotice} (in OSGi:
 * an Event Admin event on {@value MemoryEvents#DEGRADED}); when the window has slid past the old
 * aborts the guard leaves degraded mode (logged, and announced through {@code leftNotice}: in OSGi
 * on {@value MemoryEvents#DEGRADED_LEFT}), and a later entry is announced again. The two notices
 * make the guard's state observable from outside (the health check).
 *
 * <p>Thread-safety: all methods may be called concurrently; {@link #handle} never waits for a
 * history write.
 */
public final class CrashLoopGuard implements MemHandler {

    /** Properties of the degraded notice, besides the event figures. */
    public static final String ABORTS = "aborts";
    public static final String MAX_ABORTS = "maxAborts";
    public static final String WINDOW_MINUTES = "windowMinutes";

    /** Kept at least this long, so that widening the window later still finds the recent history. */
    private static final Duration MIN_RETENTION = Duration.ofDays(1);
    /**
     * The causes whose handling may end in an abort: a PRESSURE crossing too (with
     * {@code pressureRecovery=ABORT} a heap that fills again after every restart would loop).
     */
    private static final Set<Cause> GUARDED_CAUSES = EnumSet.of(Cause.LIMIT, Cause.FAIL, Cause.TOO_BIG, Cause.PRESSURE);

    private final AbortHistory history;
    private final InstantSource clock;
    private final Consumer<Map<String, Object>> degradedNotice;
    private final Consumer<Map<String, Object>> leftNotice;
    private final Logger log;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private volatile GuardLimits limits;

    /**
     * @param history the aborts so far (persisted)
     * @param clock the time ({@link InstantSource#system()} in production)
     * @param degradedNotice announces entering degraded mode; must not block
     */
    public CrashLoopGuard(AbortHistory history, GuardLimits limits, InstantSource clock,
            Consumer<Map<String, Object>> degradedNotice, Logger log) {
        this(history, limits, clock, degradedNotice, properties -> { }, log);
    }

    /**
     * @param leftNotice announces leaving degraded mode; must not block
     */
    public CrashLoopGuard(AbortHistory history, GuardLimits limits, InstantSource clock,
            Consumer<Map<String, Object>> degradedNotice, Consumer<Map<String, Object>> leftNotice, Logger log) {
        this.leftNotice = Objects.requireNonNull(leftNotice, "leftNotice");
        this.history = Objects.requireNonNull(history, "history");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.degradedNotice = Objects.requireNonNull(degradedNotice, "degradedNotice");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Applies new limits from the next event on; the history is kept. */
    public void setLimits(GuardLimits newLimits) {
        limits = Objects.requireNonNull(newLimits);
    }

    public GuardLimits limits() {
        return limits;
    }

    /** Records an abort or restart now, persistently (called before the framework goes down). */
    public void recordAbort() {
        Duration window = limits.window();
        history.record(clock.instant(), window.compareTo(MIN_RETENTION) > 0 ? window : MIN_RETENTION);
    }

    /** @return the aborts and restarts within the window ending now */
    public int recentAborts() {
        return history.countSince(clock.instant().minus(limits.window()));
    }

    /** @return whether the last guarded event found the guard in degraded mode */
    public boolean degraded() {
        return degraded.get();
    }

    @Override
    public Recovery handle(MemEvent event) {
        if (!GUARDED_CAUSES.contains(event.cause())) {
            return Recovery.DEFER;
        }
        GuardLimits current = limits;
        Instant now = clock.instant();
        int recent = history.countSince(now.minus(current.window()));
        if (recent < current.maxAborts()) {
            if (degraded.compareAndSet(true, false)) {
                log.log(Level.INFO, "crash-loop guard: leaving degraded mode, {0} aborts/restarts within the last {1} min",
                        String.valueOf(recent), String.valueOf(current.window().toMinutes()));
                notify(leftNotice, notice(event, recent, current), "leaving");
            }
            return Recovery.DEFER;
        }
        if (degraded.compareAndSet(false, true)) {
            log.log(Level.WARNING, "crash-loop guard: {0} aborts/restarts within the last {1} min (allowed: {2}): "
                    + "degraded mode, allocations that cannot be satisfied FAIL instead of aborting", String.valueOf(recent),
                    String.valueOf(current.window().toMinutes()), String.valueOf(current.maxAborts()));
            notify(degradedNotice, notice(event, recent, current), "entering");
        }
        return Recovery.FAIL;
    }

    private static Map<String, Object> notice(MemEvent event, int recent, GuardLimits current) {
        Map<String, Object> notice = MemoryEvents.figures(event);
        notice.put(ABORTS, recent);
        notice.put(MAX_ABORTS, current.maxAborts());
        notice.put(WINDOW_MINUTES, current.window().toMinutes());
        return notice;
    }

    private void notify(Consumer<Map<String, Object>> notice, Map<String, Object> properties, String what) {
        try {
            notice.accept(properties);
        } catch (RuntimeException e) {
            log.log(Level.ERROR, "crash-loop guard: announcing " + what + " degraded mode failed", e);
        }
    }

    @Override
    public String toString() {
        return "crash-loop guard (" + limits + ")";
    }
}
