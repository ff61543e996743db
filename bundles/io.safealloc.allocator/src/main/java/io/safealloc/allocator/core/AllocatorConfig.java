package io.safealloc.allocator.core;

import io.safealloc.api.Recovery;

/**
 * The allocator's settings, validated on construction so that a bad configuration is rejected as a
 * whole (and the previous one kept) instead of half applied.
 *
 * @param limit global budget in bytes, 0 for none
 * @param warnPercent a {@code WARNING} is raised when usage crosses this percentage of
 *     {@code limit} upward (1 to 100)
 * @param maxAllocation the single-allocation cap in bytes; larger requests are {@code TOO_BIG}. 0
 *     means no cap beyond what can be tracked, as in the OSGi configuration: it is stored as the
 *     largest trackable size (the cap of {@link #DEFAULTS}), so {@link #maxAllocation()} never
 *     returns 0 and the allocation path compares against the cap with no special case
 * @param maxRetries how many times a {@code RETRY} decision is honoured for one call (0 to 100)
 * @param defaultRecovery what the default handler decides: {@code ABORT} (production) or
 *     {@code FAIL} (development)
 * @param abortExitCode the process exit code after an abort (1 to 255)
 * @param safety FAST (default) or CHECKED (every segment tied to its own lifetime)
 */
public record AllocatorConfig(long limit, int warnPercent, long maxAllocation, int maxRetries,
        Recovery defaultRecovery, int abortExitCode, Safety safety) {

    /** Exit code of a process ended by the default memory handler ({@code EX_SOFTWARE}). */
    public static final int DEFAULT_ABORT_EXIT_CODE = 70;

    /** No limit, warning at 85 %, no cap beyond what can be tracked, 3 retries, ABORT. */
    public static final AllocatorConfig DEFAULTS = new AllocatorConfig(0, 85, Entry.MAX_SIZE, 3,
            Recovery.ABORT, DEFAULT_ABORT_EXIT_CODE, Safety.FAST);

    /**
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public AllocatorConfig {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 bytes (0 = no limit), was " + limit);
        }
        if (warnPercent < 1 || warnPercent > 100) {
            throw new IllegalArgumentException("warnPercent must be between 1 and 100, was " + warnPercent);
        }
        if (maxAllocation < 0 || maxAllocation > Entry.MAX_SIZE) {
            throw new IllegalArgumentException("maxAllocation must be between 0 and " + Entry.MAX_SIZE
                    + " bytes, was " + maxAllocation);
        }
        if (maxAllocation == 0) {
            maxAllocation = Entry.MAX_SIZE; // no cap: normalised here so that the hot path tests nothing more
        }
        if (maxRetries < 0 || maxRetries > 100) {
            throw new IllegalArgumentException("maxRetries must be between 0 and 100, was " + maxRetries);
        }
        if (defaultRecovery != Recovery.ABORT && defaultRecovery != Recovery.FAIL) {
            throw new IllegalArgumentException("defaultRecovery must be ABORT or FAIL, was " + defaultRecovery);
        }
        if (abortExitCode < 1 || abortExitCode > 255) {
            throw new IllegalArgumentException("abortExitCode must be between 1 and 255, was " + abortExitCode);
        }
        if (safety == null) {
            throw new IllegalArgumentException("safety must be FAST or CHECKED, was null");
        }
    }

    /** @return the usage at which a WARNING is raised, 0 when there is no limit */
    public long warnThreshold() {
        if (limit == 0) {
            return 0;
        }
        long threshold = limit <= Long.MAX_VALUE / 100 ? limit * warnPercent / 100 : limit / 100 * warnPercent;
        return Math.max(1, threshold);
    }

    public AllocatorConfig withLimit(long newLimit) {
        return new AllocatorConfig(newLimit, warnPercent, maxAllocation, maxRetries, defaultRecovery, abortExitCode, safety);
    }

    public AllocatorConfig withWarnPercent(int percent) {
        return new AllocatorConfig(limit, percent, maxAllocation, maxRetries, defaultRecovery, abortExitCode, safety);
    }

    public AllocatorConfig withMaxAllocation(long max) {
        return new AllocatorConfig(limit, warnPercent, max, maxRetries, defaultRecovery, abortExitCode, safety);
    }

    public AllocatorConfig withMaxRetries(int retries) {
        return new AllocatorConfig(limit, warnPercent, maxAllocation, retries, defaultRecovery, abortExitCode, safety);
    }

    public AllocatorConfig withDefaultRecovery(Recovery recovery) {
        return new AllocatorConfig(limit, warnPercent, maxAllocation, maxRetries, recovery, abortExitCode, safety);
    }

    public AllocatorConfig withAbortExitCode(int code) {
        return new AllocatorConfig(limit, warnPercent, maxAllocation, maxRetries, defaultRecovery, code, safety);
    }

    public AllocatorConfig withSafety(Safety mode) {
        return new AllocatorConfig(limit, warnPercent, maxAllocation, maxRetries, defaultRecovery, abortExitCode, mode);
    }
}
