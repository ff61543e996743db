package io.safealloc.allocator.core;

import io.safealloc.api.Recovery;

/** Test helper: allocators for tests that need one of their own besides their class's fixture. */
final class TestAllocators {

    private TestAllocators() {
    }

    /** @return an allocator on {@code backend} whose default decision is FAIL and that must never abort */
    static SafeAllocator failing(NativeBackend backend, Safety safety) {
        return SafeAllocator.builder().backend(backend).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL).withSafety(safety))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
    }
}
