package io.safealloc.shell.limit;

import java.io.IOException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.safealloc.api.AllocatorConstants;

/**
 * Changes the global budget the way any configuration change is made: through Config Admin, on the
 * allocator's PID {@value AllocatorConstants#PID}, updating only {@value AllocatorConstants#LIMIT} and keeping every other property.
 * Config Admin persists it like any configuration, and the allocator applies it live.
 *
 * <p>The configuration is looked up with location {@code "?"} (multi-location) so that creating it
 * here does not bind it to the shell bundle: the allocator bundle must receive it.
 *
 * <p>A package of its own, exported by nobody, so that every operator surface that sets the limit (the
 * shell, the JMX bean, the Web Console page) copies this one class in at build time with bnd's
 * {@code -conditionalpackage} instead of keeping a second copy.
 *
 * <p>Thread-safe as far as Config Admin is; two operators setting the limit at once end with one of
 * the two values.
 */
public final class LimitSetting {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ConfigurationAdmin configurationAdmin;
    private final LongSupplier appliedLimit;
    private final Duration applyWait;

    /**
     * @param configurationAdmin where the configuration lives
     * @param appliedLimit reads the limit the allocator currently enforces
     * @param applyWait how long {@link #set} waits for the allocator to apply the new value
     *     (Config Admin delivers configurations asynchronously)
     */
    public LimitSetting(ConfigurationAdmin configurationAdmin, LongSupplier appliedLimit, Duration applyWait) {
        this.configurationAdmin = configurationAdmin;
        this.appliedLimit = appliedLimit;
        this.applyWait = applyWait;
    }

    /** What {@link #set} achieved. */
    public enum Outcome {
        /** The allocator enforces the new limit. */
        APPLIED,
        /** Stored in Config Admin; the allocator did not apply it within the wait (or rejected it). */
        STORED
    }

    /**
     * Stores {@code bytes} as the {@value AllocatorConstants#LIMIT} of {@value AllocatorConstants#PID}, then waits up to the configured
     * time for the allocator to enforce it.
     *
     * @throws IOException if Config Admin cannot store it
     */
    public Outcome set(long bytes) throws IOException {
        if (bytes < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + bytes);
        }
        Configuration configuration = configurationAdmin.getConfiguration(AllocatorConstants.PID, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        properties.put(AllocatorConstants.LIMIT, Long.valueOf(bytes));
        configuration.update(properties);
        long deadline = System.nanoTime() + applyWait.toNanos();
        while (appliedLimit.getAsLong() != bytes) {
            if (System.nanoTime() - deadline >= 0) {
                return Outcome.STORED;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return Outcome.APPLIED;
    }
}
