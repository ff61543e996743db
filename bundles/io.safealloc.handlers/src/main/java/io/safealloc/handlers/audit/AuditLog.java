package io.safealloc.handlers.audit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;

import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.PressureReading;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.Recovery;

/**
 * Logs every event it is asked about, {@link Cause#WARNING} included, with the figures and the top
 * holders, and always decides {@link Recovery#DEFER}: it never changes the outcome, so it can sit at
 * the top of the chain and see every event (below a handler that decides, it sees only the events
 * that handler deferred).
 *
 * <p>One line per event, plain numbers in bytes so that log tools can parse it:
 * <pre>memory LIMIT (GLOBAL budget): 2000 bytes for org.example.sensor [12], attempt 1; in use 3000
 * of limit 4096 bytes; bundle holds 3000 (no quota); top holders: org.example.sensor [12] 3000</pre>
 *
 * <p>Thread-safety: immutable; the logger must be thread-safe (System loggers are).
 */
public final class AuditLog implements MemHandler {

    private final Logger log;
    private final Level level;

    /**
     * @param log where the lines go
     * @param level their level; {@link Level#OFF} logs nothing
     */
    public AuditLog(Logger log, Level level) {
        this.log = Objects.requireNonNull(log, "log");
        this.level = Objects.requireNonNull(level, "level");
    }

    public Level level() {
        return level;
    }

    @Override
    public Recovery handle(MemEvent event) {
        if (level != Level.OFF && log.isLoggable(level)) {
            log.log(level, describe(event));
        }
        return Recovery.DEFER;
    }

    /** @return the event as one line (see the class comment) */
    public static String describe(MemEvent event) {
        StringBuilder line = new StringBuilder("memory ").append(event.cause());
        if (event.pressure().isPresent()) {
            PressureReading r = event.pressure().get();
            return line.append(String.format(Locale.ROOT, " %s %s -> %s: %.1f %% (%d of %d bytes; thresholds %d / %d %%), "
                    + "attempt %d; allocator in use %d of limit %d bytes; %s", r.source(), event.previousPressureLevel(),
                    r.level(), r.percent(), r.used(), r.capacity(), r.highPercent(), r.criticalPercent(), event.attempt(),
                    event.bytesInUse(), event.limit(), r.detail())).toString();
        }
        if (event.cause() == Cause.LIMIT) {
            line.append(" (").append(event.budget()).append(" budget)");
        }
        line.append(": ").append(event.size()).append(" bytes for ").append(event.bundleName())
                .append(" [").append(event.bundleId()).append("], attempt ").append(event.attempt())
                .append("; in use ").append(event.bytesInUse()).append(" of limit ").append(event.limit())
                .append(" bytes; bundle holds ").append(event.bundleBytesInUse())
                // A quota of 0 means "none": "of quota 0" would read as a bundle allowed nothing.
                .append(event.bundleLimit() > 0 ? " of quota " + event.bundleLimit() : " (no quota)");
        StringJoiner holders = new StringJoiner(", ", "; top holders: ", "");
        holders.setEmptyValue("; top holders: none");
        for (BundleStats holder : event.topHolders()) {
            holders.add(holder.bundleName() + " [" + holder.bundleId() + "] " + holder.bytesInUse());
        }
        return line.append(holders).toString();
    }

    @Override
    public String toString() {
        return "audit handler (" + level + ")";
    }
}
