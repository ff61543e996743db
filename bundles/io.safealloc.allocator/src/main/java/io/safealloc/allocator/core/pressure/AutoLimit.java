package io.safealloc.allocator.core.pressure;

import java.util.Locale;

/**
 * {@code limit=auto}: the native budget is what the machine really allows once the JVM's own
 * ceilings are taken off: the container's memory limit (or, without one, the physical memory)
 * minus the maximum heap, minus the maximum direct memory, minus a reserve for everything else
 * (thread stacks, code, metaspace, libc). Computed at start, on every configuration change and
 * whenever the container's limit changes.
 *
 * @param limit the budget in bytes (at least {@link #MINIMUM})
 * @param explanation how it was computed, for the log
 * @param containerLimit the container limit it was computed from, 0 when there was none (the
 *     physical memory was used): a container measurement with another limit recomputes it
 */
public record AutoLimit(long limit, String explanation, long containerLimit) {

    /** Below this the computation found nothing left: the budget is this, and the log says so. */
    public static final long MINIMUM = 16L << 20;

    /** Default reserve. */
    public static final long DEFAULT_RESERVE = 64L << 20;

    public static AutoLimit compute(SystemFiles files, long reserve) {
        return compute(files, reserve, JvmMemory.maxHeap(), JvmMemory.maxDirect());
    }

    static AutoLimit compute(SystemFiles files, long reserve, long maxHeap, long maxDirect) {
        long total;
        String from;
        String noContainer;
        try {
            ContainerProbe container = new ContainerProbe(files);
            long limit = container.limit();
            if (limit != Long.MAX_VALUE) {
                total = limit;
                from = "container limit " + mib(limit) + " (cgroup v" + container.cgroup().version() + " "
                        + container.cgroup().directory() + ")";
                return finish(total, from, reserve, maxHeap, maxDirect, limit);
            }
            noContainer = "the container sets no limit";
        } catch (ProbeUnavailable e) {
            noContainer = e.getMessage();
        }
        total = physicalMemory(files);
        from = "physical memory " + mib(total) + " (" + noContainer + ")";
        return finish(total, from, reserve, maxHeap, maxDirect, 0);
    }

    private static AutoLimit finish(long total, String from, long reserve, long maxHeap, long maxDirect,
            long containerLimit) {
        long left = total - maxHeap - maxDirect - reserve;
        String sum = from + " - max heap " + mib(maxHeap) + " - max direct memory " + mib(maxDirect) + " - reserve "
                + mib(reserve);
        if (left < MINIMUM) {
            return new AutoLimit(MINIMUM, "limit=auto: " + sum + " leaves " + mib(left) + ", less than the minimum: "
                    + mib(MINIMUM) + " (lower -Xmx or -XX:MaxDirectMemorySize, or set a limit)", containerLimit);
        }
        return new AutoLimit(left, "limit=auto: " + mib(left) + " = " + sum, containerLimit);
    }

    /** {@code MemTotal} of {@code /proc/meminfo}; without it, what the JVM says the machine has. */
    private static long physicalMemory(SystemFiles files) {
        try {
            for (String line : files.read("/proc/meminfo").split("\n")) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.substring(9).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (ProbeUnavailable | NumberFormatException e) {
            // fall through to the JVM's figure
        }
        // No com.sun.management here (not every OSGi framework exports it): the JVM's default heap is a quarter of the machine.
        return Runtime.getRuntime().maxMemory() * 4;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
