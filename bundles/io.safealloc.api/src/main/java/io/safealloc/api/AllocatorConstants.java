package io.safealloc.api;

/**
 * The configuration contract of the SafeAlloc allocator: its PIDs and property keys, declared once
 * for every bundle and tool that reads or writes the allocator's configuration (Config Admin, the
 * shell's {@code mem:limit}, a Configurator file, management consoles).
 *
 * <p>Constants only; not instantiable. Thread-safe.
 */
public final class AllocatorConstants {

    /** The configuration PID of the allocator (a singleton configuration). */
    public static final String PID = "io.safealloc.allocator";

    /** Key of {@link #PID}: the global budget in bytes for all bundles together, 0 for none ({@code Long}). */
    public static final String LIMIT = "limit";

    /** Key of {@link #PID}: a WARNING is raised when usage crosses this percentage of the limit (1 to 100). */
    public static final String WARN_PERCENT = "warnPercent";

    /** Key of {@link #PID}: the largest single allocation in bytes, 0 for no cap beyond what can be tracked. */
    public static final String MAX_ALLOCATION = "maxAllocation";

    /** Key of {@link #PID}: how many {@link Recovery#RETRY} decisions one call honours (0 to 100). */
    public static final String MAX_RETRIES = "maxRetries";

    /** Key of {@link #PID}: what the default handler decides, {@code ABORT} or {@code FAIL}. */
    public static final String DEFAULT_RECOVERY = "defaultRecovery";

    /** Key of {@link #PID}: the process exit code after an ABORT (1 to 255). */
    public static final String ABORT_EXIT_CODE = "abortExitCode";

    /** Key of {@link #PID}: seconds the framework may take to stop after an ABORT. */
    public static final String ABORT_TIMEOUT_SECONDS = "abortTimeoutSeconds";

    /** Key of {@link #PID}: {@code FAST} or {@code CHECKED} (every segment tied to a lifetime of its own). */
    public static final String SAFETY = "safety";

    /**
     * Value of {@link #LIMIT}: the budget is derived from what the machine allows, at start and
     * whenever the container limit changes: the container's memory limit (or the physical memory)
     * minus the maximum heap, minus the maximum direct memory, minus {@link #AUTO_LIMIT_RESERVE}.
     *
     * @since 1.1
     */
    public static final String LIMIT_AUTO = "auto";

    /** Key of {@link #PID}: bytes {@link #LIMIT_AUTO} leaves for everything else (threads, code, libc). @since 1.1 */
    public static final String AUTO_LIMIT_RESERVE = "autoLimitReserve";

    /**
     * Key of {@link #PID}: the pressure sources to measure, a comma-separated list of
     * {@link PressureSource} names ({@code heap,direct,container,system}), or {@code none} (the default).
     *
     * @since 1.1
     */
    public static final String PRESSURE_SOURCES = "pressureSources";

    /** Key of {@link #PID}: milliseconds between two measurements of the polled sources (direct, container, system). @since 1.1 */
    public static final String PRESSURE_INTERVAL_MILLIS = "pressureIntervalMillis";

    /**
     * Key of {@link #PID}: the directory {@code /proc} and {@code /sys/fs/cgroup} are read under,
     * {@code /} by default (a test points it at a fixture tree). @since 1.1
     */
    public static final String PRESSURE_ROOT = "pressureRoot";

    /**
     * Key of {@link #PID}: what the default handler decides for a rising crossing into
     * {@link PressureLevel#CRITICAL}: {@code DEFER} (log only, the default) or {@code ABORT}.
     *
     * @since 1.1
     */
    public static final String PRESSURE_RECOVERY = "pressureRecovery";

    /** Key of {@link #PID}: percentage points a figure must fall below a threshold to leave its level. @since 1.1 */
    public static final String PRESSURE_HYSTERESIS_PERCENT = "pressureHysteresisPercent";

    /**
     * Key of {@link #PID}: while the container source is at {@link PressureLevel#HIGH} or above, the
     * effective global limit is this percentage of the configured one (100, the default: no shrink).
     *
     * @since 1.1
     */
    public static final String PRESSURE_SHRINK_PERCENT = "pressureShrinkPercent";

    /** Key of {@link #PID}: heap used, % of the heap pools' maximum, from which heap pressure is HIGH. @since 1.1 */
    public static final String HEAP_HIGH_PERCENT = "heapHighPercent";
    /** Key of {@link #PID}: ... from which heap pressure is CRITICAL. @since 1.1 */
    public static final String HEAP_CRITICAL_PERCENT = "heapCriticalPercent";
    /** Key of {@link #PID}: direct buffers, % of the maximum direct memory, from which DIRECT is HIGH. @since 1.1 */
    public static final String DIRECT_HIGH_PERCENT = "directHighPercent";
    /** Key of {@link #PID}: ... from which DIRECT is CRITICAL. @since 1.1 */
    public static final String DIRECT_CRITICAL_PERCENT = "directCriticalPercent";
    /** Key of {@link #PID}: cgroup memory current, % of its limit, from which CONTAINER is HIGH. @since 1.1 */
    public static final String CONTAINER_HIGH_PERCENT = "containerHighPercent";
    /** Key of {@link #PID}: ... from which CONTAINER is CRITICAL. @since 1.1 */
    public static final String CONTAINER_CRITICAL_PERCENT = "containerCriticalPercent";
    /** Key of {@link #PID}: memory not available ({@code MemTotal - MemAvailable}), % of MemTotal, from which SYSTEM is HIGH. @since 1.1 */
    public static final String SYSTEM_HIGH_PERCENT = "systemHighPercent";
    /** Key of {@link #PID}: ... from which SYSTEM is CRITICAL. @since 1.1 */
    public static final String SYSTEM_CRITICAL_PERCENT = "systemCriticalPercent";
    /** Key of {@link #PID}: PSI memory {@code some avg10} (%) from which SYSTEM is at least HIGH. @since 1.1 */
    public static final String PSI_SOME_HIGH_PERCENT = "psiSomeHighPercent";
    /** Key of {@link #PID}: PSI memory {@code full avg10} (%) from which SYSTEM is CRITICAL. @since 1.1 */
    public static final String PSI_FULL_CRITICAL_PERCENT = "psiFullCriticalPercent";

    /** The factory PID of per-bundle quotas: one configuration per bundle. */
    public static final String QUOTA_FACTORY_PID = "io.safealloc.quota";

    /** Key of {@link #QUOTA_FACTORY_PID}: the symbolic name of the bundle the quota applies to. */
    public static final String QUOTA_BUNDLE = "bundle";

    /** Key of {@link #QUOTA_FACTORY_PID}: the bundle's quota in bytes, 0 for none ({@code Long}). */
    public static final String QUOTA_LIMIT = "limit";

    /** Prefix of the name under which a bundle without a symbolic name is accounted. */
    private static final String UNNAMED_BUNDLE_PREFIX = "bundle-";

    private AllocatorConstants() {
    }

    /**
     * The name under which the allocator accounts a bundle, as {@link BundleStats#bundleName()},
     * {@link MemEvent#bundleName()} and the shell show it.
     *
     * @param bundleId the bundle's id
     * @param symbolicName its symbolic name, {@code null} for a bundle that has none
     * @return the symbolic name, or {@code bundle-<id>} when there is none
     */
    public static String bundleName(long bundleId, String symbolicName) {
        return symbolicName == null ? UNNAMED_BUNDLE_PREFIX + bundleId : symbolicName;
    }
}
