package io.safealloc.healthcheck;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;

import io.safealloc.api.Holding;
import io.safealloc.api.MemStats;
import io.safealloc.shell.report.SizeFormat;

/**
 * The verdict of one check, from the figures and what {@link MemoryState} heard:
 * <ul>
 *   <li>CRITICAL: bytes in use at the limit (nothing more can be allocated), an ABORT was decided
 *       (the framework is going down), or the crash-loop guard is in degraded mode;</li>
 *   <li>WARN: bytes in use at or above the warning threshold, or an allocation failed (decision FAIL)
 *       within the last {@code recent};</li>
 *   <li>OK otherwise.</li>
 * </ul>
 * The log first says why (one entry per reason, at its status), then, as INFO, the figures: bytes in
 * use, limit and warning threshold, the top holders, the last failure.
 *
 * <p>Stateless; thread-safe.
 */
final class Assessment {

    static final int TOP_HOLDERS = 3;

    private Assessment() {
    }

    static Result assess(MemStats stats, List<Holding> holdings, MemoryState state, Instant now, Duration recent) {
        ResultLog log = new ResultLog();
        long inUse = stats.bytesInUse();
        long limit = stats.limit();
        MemoryState.Degraded degraded = state.degraded();
        MemoryState.Failure abort = state.lastAbort();
        MemoryState.Failure failure = state.lastFailure();
        if (degraded != null) {
            log.add(new ResultLog.Entry(Result.Status.CRITICAL, "the crash-loop guard is in degraded mode since " + degraded.since()
                    + " (" + degraded.aborts() + " aborts/restarts within " + degraded.windowMinutes()
                    + " min): allocations that cannot be satisfied fail instead of aborting"));
        }
        if (abort != null) {
            log.add(new ResultLog.Entry(Result.Status.CRITICAL, "ABORT decided: " + abort.describe()));
        }
        if (limit > 0 && inUse >= limit) {
            log.add(new ResultLog.Entry(Result.Status.CRITICAL, "at the limit: " + SizeFormat.withBytes(inUse) + " in use of "
                    + SizeFormat.withBytes(limit)));
        } else if (limit > 0 && inUse >= stats.warnThreshold()) {
            log.add(new ResultLog.Entry(Result.Status.WARN, "above the warning threshold: " + SizeFormat.withBytes(inUse)
                    + " in use, warning at " + SizeFormat.withBytes(stats.warnThreshold())));
        }
        if (failure != null && Duration.between(failure.at(), now).compareTo(recent) < 0) {
            log.add(new ResultLog.Entry(Result.Status.WARN, "an allocation failed within the last " + recent.toSeconds()
                    + " s: " + failure.describe()));
        }
        log.add(new ResultLog.Entry(Result.Status.OK, "in use " + SizeFormat.withBytes(inUse) + ", "
                + (limit == 0 ? "no limit" : "limit " + SizeFormat.withBytes(limit) + ", warning at "
                        + SizeFormat.withBytes(stats.warnThreshold()))
                + ", live allocations " + stats.liveAllocations()));
        log.add(new ResultLog.Entry(Result.Status.OK, "top holders: " + topHolders(holdings)));
        log.add(new ResultLog.Entry(Result.Status.OK, "last failure: " + (failure == null ? "none" : failure.describe())));
        return new Result(log);
    }

    private static String topHolders(List<Holding> holdings) {
        if (holdings.isEmpty()) {
            return "none";
        }
        return holdings.stream().limit(TOP_HOLDERS)
                .map(h -> h.bundleName() + " " + SizeFormat.withBytes(h.bytes()) + " in " + h.count() + " allocations")
                .collect(Collectors.joining(", "));
    }
}
