package io.safealloc.benchmarks;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Recovery;

/** How the benchmarks build their allocators. */
final class Allocators {

    private Allocators() {
    }

    /**
     * A libc-backed allocator as a benchmark uses it: accounting and live tracking on (they always
     * are), the given global limit (0 = none), FAIL instead of ABORT by default, no log output, and
     * an abort action that does nothing (the JVM must never be ended by a benchmark).
     */
    static SafeAllocator create(long limit) {
        return SafeAllocator.builder()
                .config(AllocatorConfig.DEFAULTS.withLimit(limit).withDefaultRecovery(Recovery.FAIL))
                .abortAction((event, exitCode) -> { })
                .silent()
                .build();
    }

    /**
     * Releases {@code view} at the end of a trial and fails the trial if a benchmark left anything
     * allocated: its figures would otherwise include the leak.
     */
    static void closeWithoutLeaks(SafeAllocator allocator, OwnerView view) {
        if (view.release().count() != 0) {
            throw new IllegalStateException("a benchmark leaked allocations");
        }
        long held = allocator.stats().bytesInUse();
        if (held != 0) {
            throw new IllegalStateException("a benchmark leaked " + held + " bytes");
        }
    }
}
