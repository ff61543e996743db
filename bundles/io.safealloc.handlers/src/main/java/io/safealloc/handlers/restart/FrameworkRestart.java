package io.safealloc.handlers.restart;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
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
 * Instead of ending the process (the default handler's ABORT), restarts the OSGi framework in place,
 * for containers and devices without a supervisor that would start the process again. Meant to sit
 * at the bottom of the chain, where the default handler would otherwise abort.
 *
 * <p>On {@link Cause#LIMIT}, {@link Cause#FAIL} or {@link Cause#TOO_BIG}, the first call:
 * <ol>
 *   <li>logs {@code Memory allocation error for N bytes} with the figures;</li>
 *   <li>announces the restart as an ABORT event with {@code action=restart} and the event's figures,
 *       synchronously, so that the crash-loop guard has recorded it before anything stops;</li>
 *   <li>starts the restart (in OSGi: {@code update()} of the system bundle, which stops and starts
 *       the framework on a thread of its own);</li>
 *   <li>decides {@link Recovery#FAIL} for the call: the framework is going down.</li>
 * </ol>
 * Later calls decide {@link Recovery#FAIL} without a second announcement or restart. If starting
 * the restart throws, it is logged and the next event tries again. {@link Cause#WARNING} and causes
 * unknown to this version are {@link Recovery#DEFER}red.
 *
 * <p>Thread-safety: safe for concurrent events; exactly one of them restarts.
 */
public final class FrameworkRestart implements MemHandler {

    /** Starts the restart; must not wait for it (the caller is an allocating thread of the framework). */
    @FunctionalInterface
    public interface RestartAction {
        void restart() throws Exception;
    }

    /** Value of {@link MemoryEvents#ACTION} on the announcement. */
    public static final String ACTION_RESTART = "restart";

    private static final Set<Cause> RESTARTING_CAUSES = EnumSet.of(Cause.LIMIT, Cause.FAIL, Cause.TOO_BIG);

    private final Consumer<Map<String, Object>> announcer;
    private final RestartAction action;
    private final Logger log;
    private final AtomicBoolean restarting = new AtomicBoolean();

    /**
     * @param announcer sends the ABORT event's properties, synchronously; it must not throw (if it
     *     does, the restart still happens)
     * @param action starts the restart
     * @param log where the allocation error is logged
     */
    public FrameworkRestart(Consumer<Map<String, Object>> announcer, RestartAction action, Logger log) {
        this.announcer = Objects.requireNonNull(announcer, "announcer");
        this.action = Objects.requireNonNull(action, "action");
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public Recovery handle(MemEvent event) {
        if (!RESTARTING_CAUSES.contains(event.cause())) {
            return Recovery.DEFER;
        }
        if (!restarting.compareAndSet(false, true)) {
            return Recovery.FAIL; // a restart is under way
        }
        log.log(Level.ERROR, "Memory allocation error for {0} bytes ({1}, {2} of {3} bytes in use, requested by {4}): "
                + "restarting the OSGi framework", String.valueOf(event.size()), event.cause(),
                String.valueOf(event.bytesInUse()), String.valueOf(event.limit()), event.bundleName());
        Map<String, Object> announcement = MemoryEvents.figures(event);
        announcement.put(MemoryEvents.ACTION, ACTION_RESTART);
        try {
            announcer.accept(announcement);
        } catch (RuntimeException e) {
            log.log(Level.ERROR, "announcing the restart failed; restarting anyway", e);
        }
        try {
            action.restart();
        } catch (Exception e) {
            restarting.set(false);
            log.log(Level.ERROR, "the framework restart could not be started; the allocation fails", e);
        }
        return Recovery.FAIL;
    }

    /** @return whether a restart was started (and has not failed to start) */
    public boolean restarting() {
        return restarting.get();
    }

    @Override
    public String toString() {
        return "restart handler";
    }
}
