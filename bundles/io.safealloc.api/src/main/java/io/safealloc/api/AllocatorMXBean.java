package io.safealloc.api;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The allocator as JMX shows it: registered by the bundle {@code io.safealloc.jmx} on the platform
 * MBean server under {@value ObservationConstants#ALLOCATOR_OBJECT_NAME} while that bundle's component
 * is active (unregistered when it stops). An MXBean: every attribute is an open type, so a JMX
 * client (JConsole, hawtio, Decanter's JMX collector, the Prometheus JMX exporter) needs none of
 * SafeAlloc's classes; a Java client may still use {@code JMX.newMXBeanProxy} with this interface.
 *
 * <p>Each read is a fresh {@link AllocatorService#stats()} (figures exact when no call is in flight,
 * see {@link BundleStats}). Per-bundle figures: one {@link BundleMemoryMXBean} per bundle account.
 *
 * <p><b>Notifications</b> (the MBean is a {@code NotificationEmitter}, as {@code MemoryMXBean} is for
 * its thresholds): every decision of the handlers ({@link ObservationConstants#notificationType}
 * of its cause), every leak released at a bundle's stop ({@value ObservationConstants#NOTIFICATION_LEAK}),
 * every abort ({@value ObservationConstants#NOTIFICATION_ABORT}) and the crash-loop guard's degraded
 * mode ({@value ObservationConstants#NOTIFICATION_DEGRADED}, {@value ObservationConstants#NOTIFICATION_DEGRADED_LEFT}).
 * They are made from the Event Admin events of {@link MemoryEvents} (so they need Event Admin); the
 * user data is a {@code CompositeData} holding the event's properties under the keys of
 * {@link MemoryEvents} ({@code cause}, {@code size}, {@code decision}, {@code bundle.symbolicName}, ...).
 *
 * <p>Pressure levels: {@link #getPressure()}, one line per configured source, as
 * {@link MemStats#pressure()} has them.
 *
 * <p><b>Implemented by</b> the {@code io.safealloc.jmx} bundle; clients only read it. Thread-safe.
 */
@ProviderType
public interface AllocatorMXBean {

    /** @return bytes in use across all bundles */
    long getBytesInUse();

    /** @return the global peak in bytes (see {@link BundleStats#peak()}) */
    long getPeak();

    /** @return the global limit in bytes, 0 for none */
    long getLimit();

    /**
     * Sets the global limit through Config Admin, as {@code mem:limit} does: property
     * {@value AllocatorConstants#LIMIT} of {@value AllocatorConstants#PID}, every other property kept,
     * persisted by Config Admin; waits up to 2 s for the allocator to apply it.
     *
     * @param bytes the new limit, 0 for none
     * @throws IllegalArgumentException if {@code bytes} is negative (nothing changes)
     * @throws IllegalStateException if Config Admin is not available or cannot store it
     */
    void setLimit(long bytes);

    /** @return the bytes at which a WARNING is raised, 0 without a limit */
    long getWarnThreshold();

    /** @return the single-allocation cap in bytes */
    long getMaxAllocation();

    /** @return allocations live now */
    long getLiveAllocations();

    /** @return successful allocations since the allocator started, stopped bundles included */
    long getAllocations();

    /** @return successful frees since the allocator started, stopped bundles included */
    long getFrees();

    /** @return calls that raised each {@link Cause}, by cause name (every cause a key) */
    Map<String, Long> getFailures();

    /**
     * @return the {@value AllocatorConstants#SAFETY} stored in Config Admin ({@code FAST} when it is
     *     not set); the allocator keeps its previous settings when it rejects a configuration (the
     *     log says so), and Config Admin is not told
     */
    String getConfiguredSafety();

    /**
     * @return the {@link MemHandler} services in the order the allocator asks them
     *     ({@link HandlerOrder}), one line each:
     *     {@code <ranking> <name> (service.id <id>, bundle <bsn>, <class>)[: <description>]}, then
     *     the default handler's line
     */
    List<String> getHandlers();

    /** @return the names of the bundles holding an account, largest in use first */
    List<String> getBundleNames();

    /**
     * @return whole-process memory pressure, one line per configured source in
     *     {@link PressureSource} order ({@link MemStats#pressure()}), e.g.
     *     {@code HEAP NORMAL 0.3 % (18.0 MiB of 6.0 GiB; high 85 %, critical 95 %): <detail>}, or
     *     {@code <SOURCE> OFF (...): <why>} for a source that cannot be read; empty when no source is
     *     configured
     */
    List<String> getPressure();
}
