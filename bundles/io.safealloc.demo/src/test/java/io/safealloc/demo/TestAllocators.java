package io.safealloc.demo;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Recovery;

/** Real allocators for the tests: libc memory, FAIL instead of ABORT, an abort is a test failure. */
public final class TestAllocators {

    private TestAllocators() {
    }

    public static SafeAllocator withLimit(long limit) {
        return SafeAllocator.builder()
                .config(AllocatorConfig.DEFAULTS.withLimit(limit).withDefaultRecovery(Recovery.FAIL))
                .abortAction((event, code) -> {
                    throw new AssertionError("no abort expected: " + event);
                })
                .silent() // keeps the expected log lines (refused allocations, released leaks) out of the build output
                .build();
    }

}
