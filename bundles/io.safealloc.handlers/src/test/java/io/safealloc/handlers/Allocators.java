package io.safealloc.handlers;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Recovery;

/** Real core allocators for the handlers' tests: real libc memory, no process exit. */
public final class Allocators {

    private Allocators() {
    }

    /** A real allocator with a global limit whose default handler decides FAIL. */
    public static SafeAllocator failing(long limit) {
        return SafeAllocator.builder()
                .config(AllocatorConfig.DEFAULTS.withLimit(limit).withDefaultRecovery(Recovery.FAIL))
                .logger(new RecordingLogger())
                .abortAction((event, code) -> {
                    throw new AssertionError("no test may abort");
                })
                .build();
    }

    /**
     * A real allocator with a global limit whose default handler decides ABORT; the abort only
     * records the exit code in {@code aborts} (and runs {@code onAbort}).
     */
    public static SafeAllocator aborting(long limit, List<Integer> aborts, Runnable onAbort) {
        return SafeAllocator.builder()
                .config(AllocatorConfig.DEFAULTS.withLimit(limit))
                .logger(new RecordingLogger())
                .abortAction((event, code) -> {
                    aborts.add(code);
                    onAbort.run();
                })
                .build();
    }

    /** @return a thread-safe list for recording */
    public static <T> List<T> recorder() {
        return new CopyOnWriteArrayList<>();
    }
}
