package io.safealloc.allocator.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

import io.safealloc.allocator.core.AbortAction;
import io.safealloc.api.MemEvent;

/**
 * ABORT in OSGi: stop the framework so that every bundle gets its normal stop (and can save its
 * state), then end the process with the configured exit code so that the supervisor (systemd, a
 * container runtime) restarts it. A stop that hangs is cut off after {@code abortTimeoutSeconds}.
 *
 * <p>The exit code must survive the launcher: when the framework stops, the launcher may call
 * {@code System.exit(0)} on its own. A shutdown hook registered first halts with the configured code,
 * so whichever exit comes first, the process ends with it.
 *
 * <p>The stop waits, briefly, for the thread whose allocation was aborted to leave the allocator:
 * when that thread is a Gogo command ({@code mem:alloc}), stopping the shell while the command still
 * runs interrupts the shell's wait for it, and Gogo prints a stray {@code java.lang.InterruptedException}.
 * The wait ends as soon as the thread is idle (waiting, blocked or gone), at most {@value #CALLER_GRACE_MILLIS} ms,
 * so a thread that keeps running delays the stop by no more than that.
 */
final class FrameworkShutdown implements AbortAction {

    /** Bound of the wait for the aborted allocation's thread to leave the allocator. */
    static final long CALLER_GRACE_MILLIS = 500;
    private static final long CALLER_POLL_MILLIS = 2;

    private final Bundle systemBundle;
    private final IntSupplier timeoutSeconds;
    private final Logger log;

    FrameworkShutdown(Bundle systemBundle, IntSupplier timeoutSeconds, Logger log) {
        this.systemBundle = systemBundle;
        this.timeoutSeconds = timeoutSeconds;
        this.log = log;
    }

    @Override
    public void abort(MemEvent event, int exitCode) {
        long timeoutMillis = TimeUnit.SECONDS.toMillis(timeoutSeconds.getAsInt());
        log.log(Level.ERROR, "stopping the OSGi framework and exiting with code {0} (cut off after {1} ms)",
                String.valueOf(exitCode), String.valueOf(timeoutMillis));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(exitCode),
                "safealloc-exit-code"));
        Thread caller = Thread.currentThread();
        Thread.ofPlatform().name("safealloc-abort").start(() -> {
            try {
                awaitIdle(caller);
                systemBundle.stop();
                if (systemBundle instanceof Framework framework) {
                    framework.waitForStop(timeoutMillis);
                }
            } catch (BundleException | RuntimeException e) {
                log.log(Level.ERROR, "the framework could not be stopped cleanly", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (systemBundle.getState() != Bundle.RESOLVED) {
                log.log(Level.ERROR, "the framework did not stop within {0} ms: ending the process", String.valueOf(timeoutMillis));
            }
            System.exit(exitCode);
        });
    }

    /** Returns once {@code caller} has left the allocator (it is no longer running), or after the grace period. */
    private static void awaitIdle(Thread caller) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CALLER_GRACE_MILLIS);
        while (caller.getState() == Thread.State.RUNNABLE && System.nanoTime() - deadline < 0) {
            Thread.sleep(CALLER_POLL_MILLIS);
        }
    }
}
