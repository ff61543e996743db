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
