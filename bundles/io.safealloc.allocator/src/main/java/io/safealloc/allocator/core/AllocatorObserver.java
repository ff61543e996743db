package io.safealloc.allocator.core;

import io.safealloc.api.MemEvent;
import io.safealloc.api.Recovery;

/**
 * Watches what the allocator decides, for event publishing and management tools.
 *
 * <p>Called synchronously and with no lock held; an exception from an observer is logged and
 * ignored. {@link #decided} and {@link #released} run on the thread that caused them and must not
 * block (publish asynchronously). {@link #aborting} runs on the allocating thread just before the
 * abort action ends the process: it may block briefly to make sure its news gets out.
 */
public interface AllocatorObserver {

    /**
     * The handler chain decided about an event: for {@code WARNING} the decision that ended the
     * chain ({@code DEFER} when none did); otherwise the decision acted upon.
     */
    default void decided(MemEvent event, Recovery decision) {
    }

    /** An owner was closed holding memory, which was freed. */
    default void released(Leaks leaks) {
    }

    /** The process is about to be ended with {@code exitCode}. */
    default void aborting(MemEvent event, int exitCode) {
    }
}
