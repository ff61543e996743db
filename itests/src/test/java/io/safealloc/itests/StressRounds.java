package io.safealloc.itests;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Divides a stress run into rounds with a quiescent checkpoint between them. The allocating threads
 * do a fixed number of operations per round; the churn threads (handlers, bundle, configuration)
 * keep acting for as long as an allocating thread is still busy. Then all of them pause, the
 * checking thread verifies the invariants while nothing moves, and resumes them (or stops them
 * after the last round).
 *
 * <p>Thread-safe. Any thread may {@link #abort()} the run: every waiting thread is released.
 */
final class StressRounds {

    private final int allocators;
    private final long timeoutMillis;
    private final CyclicBarrier paused;
    private final CyclicBarrier resumed;
    private final AtomicInteger allocatorsBusy = new AtomicInteger();
    private volatile boolean stopped;

    /**
     * @param workers every thread that takes part (allocating and churn), not counting the checker
     * @param allocators how many of them are allocating threads
     * @param timeoutMillis how long a barrier may be waited for before the run counts as hung
     */
    StressRounds(int workers, int allocators, long timeoutMillis) {
        this.allocators = allocators;
        this.timeoutMillis = timeoutMillis;
        this.paused = new CyclicBarrier(workers + 1);
        this.resumed = new CyclicBarrier(workers + 1);
        allocatorsBusy.set(allocators);
    }

    /** An allocating thread finished this round's operations. */
    void allocatorDone() {
        allocatorsBusy.decrementAndGet();
    }

    /** @return whether the churn threads should go on acting in this round */
    boolean roundRunning() {
        return allocatorsBusy.get() > 0 && !stopped;
    }

    /**
     * A worker's end of round: pause for the checkpoint, then wait to be resumed.
     *
     * @return false when the run is over (stopped after the last round, or aborted)
     */
    boolean checkpoint() throws InterruptedException, TimeoutException {
        if (stopped) {
            return false;
        }
        await(paused);
        await(resumed);
        return !stopped;
    }

    /** The checker: returns once every worker is paused. */
    void awaitPaused() throws InterruptedException, TimeoutException {
        await(paused);
    }

    /** The checker: starts the next round, or ends the run after the last one. */
    void resume(boolean anotherRound) throws InterruptedException, TimeoutException {
        allocatorsBusy.set(allocators); // before the barrier: every worker is waiting on it
        if (!anotherRound) {
            stopped = true;
        }
        await(resumed);
    }

    /** Ends the run at once: threads waiting at a checkpoint are released and see it stopped. */
    void abort() {
        stopped = true;
        paused.reset();
        resumed.reset();
    }

    boolean stopped() {
        return stopped;
    }

    private void await(CyclicBarrier barrier) throws InterruptedException, TimeoutException {
        try {
            barrier.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (BrokenBarrierException e) {
            stopped = true; // another thread aborted or timed out: this one just leaves
        }
    }
}
