package io.safealloc.demo;

import java.util.ResourceBundle;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Recovery;

/** Real allocators for the tests: libc memory, FAIL instead of ABORT, an abort is a test failure. */
final class TestAllocators {

    private TestAllocators() {
    }

    static SafeAllocator withLimit(long limit) {
        return SafeAllocator.builder()
                .config(AllocatorConfig.DEFAULTS.withLimit(limit).withDefaultRecovery(Recovery.FAIL))
                .abortAction((event, code) -> {
                    throw new AssertionError("no abort expected: " + event);
                })
                .logger(new Silent())
                .build();
    }

    /** Keeps the expected log lines (refused allocations, released leaks) out of the build output. */
    private static final class Silent implements System.Logger {
        @Override
        public String getName() {
            return "silent";
        }

        @Override
        public boolean isLoggable(Level level) {
            return false;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        }
    }
}
