package io.safealloc.allocator.core;

import io.safealloc.api.MemEvent;

/**
 * Ends the process after a {@code ABORT} decision, so that a supervisor restarts it cleanly.
 *
 * <p>Injectable so that tests never end their own JVM, and so that the OSGi layer can stop the
 * framework gracefully first. Called at most once per allocator, on the allocating thread:
 * implementations must not block it for long (start the shutdown on a thread of its own).
 */
@FunctionalInterface
public interface AbortAction {

    /**
     * @param event the event whose decision was ABORT
     * @param exitCode the configured exit code
     */
    void abort(MemEvent event, int exitCode);

    /**
     * {@code System.exit(exitCode)} on a new thread, and {@code Runtime.halt(exitCode)} if the
     * shutdown hooks have not finished after {@code timeoutMillis}.
     */
    static AbortAction exitProcess(long timeoutMillis) {
        return (event, exitCode) -> {
            Thread watchdog = Thread.ofPlatform().daemon().name("safealloc-abort-watchdog").unstarted(() -> {
                try {
                    Thread.sleep(timeoutMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(exitCode);
            });
            watchdog.start();
            Thread.ofPlatform().name("safealloc-abort").start(() -> System.exit(exitCode));
        };
    }
}
