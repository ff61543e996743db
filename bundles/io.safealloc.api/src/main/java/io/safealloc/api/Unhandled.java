package io.safealloc.api;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Work whose failed allocations are not handed to the {@link MemHandler}s: an allocation that
 * cannot be satisfied throws {@link MemoryAllocationException} with decision {@link Recovery#FAIL}
 * at once, no handler is asked, and the process is never aborted. The failure still counts in the
 * statistics.
 *
 * <p>Where it applies:
 * <ul>
 *   <li><b>Inside a handler</b> the allocator applies it itself, so a handler that allocates cannot
 *   recurse into the chain. Work a handler hands to another thread does not inherit that: a handler
 *   that waits for a job which allocates and fails would have that job ask the handlers again, and
 *   wait on itself. Wrap such work with {@link #wrap(Runnable)} / {@link #wrap(Callable)} to carry
 *   the guard along.</li>
 *   <li><b>Optional or diagnostic allocations</b> that must never end the process (the shell's
 *   {@code mem:alloc}, a cache that can do without): {@link #call(Supplier)}.</li>
 * </ul>
 *
 * <p>Stateless functions over a per-thread flag; not instantiable. Thread-safe: each thread has its
 * own state; nesting is allowed.
 */
public final class Unhandled {

    private static final ThreadLocal<Boolean> ACTIVE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Unhandled() {
    }

    /** @return whether the calling thread's failed allocations skip the handlers now */
    public static boolean isActive() {
        return ACTIVE.get();
    }

    /**
     * Runs {@code work} on the calling thread with its failed allocations not handed to the handlers.
     *
     * @param work what to run
     * @return what it returned
     */
    public static <T> T call(Supplier<T> work) {
        Boolean before = ACTIVE.get();
        ACTIVE.set(Boolean.TRUE);
        try {
            return work.get();
        } finally {
            ACTIVE.set(before);
        }
    }

    /**
     * @param work a task the calling thread hands to another thread
     * @return the task, run unhandled if the calling thread is unhandled now (inside a handler, or
     *     inside {@link #call}); otherwise {@code work} itself
     */
    public static Runnable wrap(Runnable work) {
        if (!isActive()) {
            return work;
        }
        return () -> call(() -> {
            work.run();
            return null;
        });
    }

    /**
     * @param work a task the calling thread hands to another thread
     * @return the task, run unhandled if the calling thread is unhandled now; otherwise {@code work}
     */
    public static <T> Callable<T> wrap(Callable<T> work) {
        if (!isActive()) {
            return work;
        }
        return () -> {
            Boolean before = ACTIVE.get();
            ACTIVE.set(Boolean.TRUE);
            try {
                return work.call();
            } finally {
                ACTIVE.set(before);
            }
        };
    }
}
