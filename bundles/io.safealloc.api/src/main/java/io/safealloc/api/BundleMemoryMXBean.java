package io.safealloc.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One bundle's account as JMX shows it, {@code io.safealloc:type=Bundle,name=<bsn>}
 * ({@link ObservationConstants#bundleObjectName}), registered by {@code io.safealloc.jmx} for every
 * bundle holding an account with the allocator (that is, using the service) and unregistered when
 * the account goes (the bundle stopped). Why one MBean per bundle rather than a table on
 * {@link AllocatorMXBean}: JMX collectors (Decanter, the Prometheus JMX exporter, hawtio's charts)
 * address an attribute by object name, and a series per bundle is what an operator charts.
 *
 * <p>Each read is fresh. When two bundles share a symbolic name (two versions installed), the bean
 * sums their accounts.
 *
 * <p><b>Implemented by</b> the {@code io.safealloc.jmx} bundle; clients only read it. Thread-safe.
 */
@ProviderType
public interface BundleMemoryMXBean {

    /** @return the bundle's name as the allocator accounts it */
    String getBundleName();

    /** @return bytes the bundle holds now */
    long getBytesInUse();

    /** @return the bundle's peak in bytes */
    long getPeak();

    /** @return the bundle's quota in bytes, 0 for none */
    long getQuota();

    /** @return allocations the bundle holds now */
    long getLiveAllocations();

    /** @return the bundle's successful allocations */
    long getAllocations();

    /** @return the bundle's successful frees */
    long getFrees();

    /** @return calls of the bundle that raised each {@link Cause}, by cause name */
    Map<String, Long> getFailures();
}
