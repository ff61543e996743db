package io.safealloc.handlers.gc;

/**
 * Waits for a while: {@link Thread#sleep} in production; tests substitute one that records the
 * pauses instead of taking them.
 */
@FunctionalInterface
public interface Pause {

    /** Sleeps on the calling thread. */
    Pause SLEEP = Thread::sleep;

    /**
     * @param millis how long, &gt; 0
     * @throws InterruptedException if the thread was interrupted: the wait ends early
     */
    void pause(long millis) throws InterruptedException;
}
