package io.safealloc.gateway.banner;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemStats;
import io.safealloc.shell.report.HandlerDirectory;
import io.safealloc.shell.report.HandlerInfo;
import io.safealloc.shell.report.HandlersReport;
import io.safealloc.shell.report.SizeFormat;
import io.safealloc.shell.report.StatsReport;

/**
 * The one-line start-up banner and the decision when to print it:
 * {@code SafeAlloc gateway ready: budget 64.0 MiB (warn at 85 %), handlers: guard(1000), audit(900), gc(100)}.
 *
 * <p>It is printed once, by the first {@link #printIfReady} call that finds the gateway settled:
 * the framework has finished starting, at least {@code expectedHandlers} MemHandlers are
 * registered, and the allocator enforces the limit its Config Admin configuration holds (if any);
 * or, failing that, by the first call after the deadline, with a note saying what was missing. The
 * caller polls; nothing here blocks.
 *
 * <p>Thread-safe: {@link #printIfReady} may be called from any thread; the line is printed at most
 * once.
 */
public final class StartupBanner {

    private final AllocatorService allocator;
    private final HandlerDirectory handlers;
    private final BooleanSupplier frameworkStarted;
    private final Supplier<OptionalLong> configuredLimit;
    private final long startNanos;
    private final PrintStream out;
    private int expectedHandlers;
    private long waitSeconds;
    private boolean printed;

    /**
     * @param allocator for the budget
     * @param handlers for the handlers
     * @param frameworkStarted whether the framework has finished starting
     * @param configuredLimit the limit Config Admin holds for the allocator, empty when none
     * @param expectedHandlers how many handlers to wait for (0: do not wait for any)
     * @param startNanos {@link System#nanoTime()} when waiting began
     * @param waitSeconds how long to wait at most for the gateway to settle
     * @param out where the line goes (the console)
     */
    public StartupBanner(AllocatorService allocator, HandlerDirectory handlers, BooleanSupplier frameworkStarted,
            Supplier<OptionalLong> configuredLimit, int expectedHandlers, long startNanos, long waitSeconds,
            PrintStream out) {
        this.allocator = allocator;
        this.handlers = handlers;
        this.frameworkStarted = frameworkStarted;
        this.configuredLimit = configuredLimit;
        this.startNanos = startNanos;
        this.out = out;
        expect(expectedHandlers, waitSeconds);
    }

    /**
     * Changes what to wait for (the banner configuration arrived or changed); no effect once the
     * banner has been printed. The deadline still counts from the start.
     */
    public synchronized void expect(int handlers, long seconds) {
        expectedHandlers = Math.max(0, handlers);
        waitSeconds = Math.max(0, seconds);
    }

    /**
     * Prints the banner if the gateway has settled or the deadline has passed.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @return true once the banner has been printed (by this call or an earlier one)
     */
    public synchronized boolean printIfReady(long nowNanos) {
        if (printed) {
            return true;
        }
        List<String> missing = missing();
        if (!missing.isEmpty() && nowNanos - (startNanos + TimeUnit.SECONDS.toNanos(waitSeconds)) < 0) {
            return false;
        }
        String line = line(allocator.stats(), handlers.inDecisionOrder());
        if (!missing.isEmpty()) {
            line += " (after " + waitSeconds + " s still waiting for: " + String.join(", ", missing) + ")";
        }
        out.println(line);
        out.flush();
        printed = true;
        return true;
    }

    /** @return what the gateway is still waiting for; empty when it has settled */
    private List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!frameworkStarted.getAsBoolean()) {
            missing.add("framework start");
        }
        int count = handlers.count();
        if (count < expectedHandlers) {
            missing.add(count + " of " + expectedHandlers + " handlers");
        }
        OptionalLong configured = configuredLimit.get();
        if (configured.isPresent() && configured.getAsLong() != allocator.stats().limit()) {
            missing.add("allocator configuration");
        }
        return missing;
    }

    /**
     * @return {@code "SafeAlloc gateway ready: budget 64.0 MiB (warn at 85 %), handlers: gc(100)"},
     *     {@code "budget none"} without a global limit, {@code "handlers: none"} without handlers
     */
    public static String line(MemStats stats, List<HandlerInfo> handlers) {
        String budget = stats.limit() == 0 ? "none"
                : SizeFormat.human(stats.limit()) + " (warn at " + StatsReport.warnPercent(stats) + " %)";
        return "SafeAlloc gateway ready: budget " + budget + ", handlers: " + HandlersReport.summary(handlers);
    }
}
