package io.safealloc.demo;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The demo's scheduler threads: one daemon thread per component, stopped with a bounded wait. */
final class DemoThreads {

    private static final long STOP_WAIT_SECONDS = 5;

    private DemoThreads() {
    }

    /** @return a single-threaded scheduler whose daemon thread has {@code name} */
    static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Stops the scheduler and waits (bounded) for a running task to finish, so that the caller can
     * free the memory the task uses.
     */
    static void stop(ScheduledExecutorService scheduler) {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
