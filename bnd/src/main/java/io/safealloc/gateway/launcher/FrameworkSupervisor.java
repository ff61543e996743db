package io.safealloc.gateway.launcher;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * Waits for the framework to stop for good, riding out restarts in place.
 *
 * <p>A system bundle {@code update()} (what the {@code restart} handler does) or a refresh of the
 * system bundle makes Felix stop and start itself again on a thread of its own: {@code waitForStop}
 * returns {@code STOPPED_UPDATE} (or {@code STOPPED_SYSTEM_REFRESHED}) while the restart is under
 * way. The supervisor then waits until the framework is {@code ACTIVE} again and goes on waiting.
 * Between Felix's stop and its new start, {@code waitForStop} has nothing to wait on and returns at
 * once, so that wait is a bounded poll of the framework state (every {@value #POLL_MILLIS} ms, only
 * during a restart).
 *
 * <p>Thread-safety: {@link #awaitFinalStop} runs on the launcher's main thread;
 * {@link #stopGracefully} on the shutdown-hook thread.
 */
final class FrameworkSupervisor {

    private static final Logger LOG = System.getLogger("io.safealloc.gateway");
    private static final long POLL_MILLIS = 10;
    private static final int ACTIVE_OR_STARTING = Bundle.ACTIVE | Bundle.STARTING;

    private final Framework framework;
    private final long stopTimeoutMillis;
    private boolean stopReported; // guarded by this

    FrameworkSupervisor(Framework framework, long stopTimeoutSeconds) {
        this.framework = framework;
        this.stopTimeoutMillis = TimeUnit.SECONDS.toMillis(stopTimeoutSeconds);
    }

    /**
     * @return the process exit status: 0 after a normal stop, 1 after an error or a restart that did
     *     not come back
     */
    int awaitFinalStop() throws InterruptedException {
        while (true) {
            FrameworkEvent event = framework.waitForStop(0);
            switch (event.getType()) {
                case FrameworkEvent.STOPPED_UPDATE, FrameworkEvent.STOPPED_SYSTEM_REFRESHED -> {
                    LOG.log(Level.INFO, "OSGi framework restarting in place");
                    if (!awaitActive()) {
                        LOG.log(Level.ERROR, "the OSGi framework did not come back within {0} ms after a restart",
                                stopTimeoutMillis);
                        return 1;
                    }
                }
                case FrameworkEvent.ERROR -> {
                    LOG.log(Level.ERROR, "the OSGi framework stopped with an error: {0}",
                            String.valueOf(event.getThrowable()));
                    return 1;
                }
                default -> {
                    if ((framework.getState() & ACTIVE_OR_STARTING) != 0) {
                        // A restart created no shutdown gate yet: nothing stopped.
                        awaitActive();
                        continue;
                    }
                    reportStopped();
                    return 0;
                }
            }
        }
    }

    /**
     * Logs the final stop once, from whichever thread sees it first. Synchronized, not a flag alone:
     * the JVM ends when the shutdown hook returns, so the hook must not return while the main thread
     * is still writing the line (seen on a loaded machine: the line was lost).
     */
    private synchronized void reportStopped() {
        if (!stopReported) {
            stopReported = true;
            LOG.log(Level.INFO, "OSGi framework stopped");
        }
    }

    /** @return whether the framework became ACTIVE within the stop timeout */
    private boolean awaitActive() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(stopTimeoutMillis);
        while (framework.getState() != Bundle.ACTIVE) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    /**
     * Stops the framework (every bundle gets its normal stop) and waits for it, at most the stop
     * timeout. For the shutdown hook: SIGTERM from systemd or a container runtime, Ctrl-C.
     */
    void stopGracefully() {
        if ((framework.getState() & (ACTIVE_OR_STARTING | Bundle.STOPPING)) == 0) {
            return; // already stopped: a normal stop or the allocator's ABORT path
        }
        try {
            framework.stop();
            framework.waitForStop(stopTimeoutMillis);
            reportStopped(); // here too: the JVM may end before the main thread gets to it
        } catch (BundleException | RuntimeException e) {
            System.err.println("SafeAlloc gateway: the OSGi framework could not be stopped: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
