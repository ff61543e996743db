package io.safealloc.shell.report;

import static io.safealloc.shell.report.TextTable.Align.LEFT;
import static io.safealloc.shell.report.TextTable.Align.RIGHT;

import java.util.ArrayList;
import java.util.List;

import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemStats;

/**
 * Renders {@link MemStats} for {@code mem:stats}: two {@code global:} lines, then one table row per
 * bundle holding an account. The exact format is documented in the bundle's README (tests of the
 * gateway grep it). Failure columns follow {@link Cause#values()}, so a new cause adds a column;
 * but {@link Cause#PRESSURE}, which no bundle causes, is counted on the global line only. With
 * pressure sources configured a {@code pressure:} section follows ({@link PressureReport}).
 *
 * <p>Stateless and thread-safe.
 */
public final class StatsReport {

    /** The causes an allocation can have: a column each per bundle. */
    private static final List<Cause> BUNDLE_CAUSES = java.util.Arrays.stream(Cause.values())
            .filter(c -> c != Cause.PRESSURE).toList();

    private StatsReport() {
    }

    /** @return the report, lines joined by {@code \n}, no final newline */
    public static String render(MemStats stats) {
        StringBuilder out = new StringBuilder();
        out.append("global: in use ").append(SizeFormat.withBytes(stats.bytesInUse()))
                .append(", peak ").append(SizeFormat.withBytes(stats.peak()))
                .append(", ").append(limitText(stats)).append('\n');
        out.append("global: live ").append(stats.liveAllocations())
                .append(", allocations ").append(stats.allocations())
                .append(", frees ").append(stats.frees())
                .append(", failures ").append(failuresText(stats))
                .append(", max allocation ").append(SizeFormat.human(stats.maxAllocation()));
        List<BundleStats> bundles = stats.bundles();
        if (bundles.isEmpty()) {
            return appendPressure(out.append("\nno bundle holds an account"), stats).toString();
        }
        List<Object> columns = new ArrayList<>(List.of("BUNDLE", LEFT, "ID", RIGHT, "IN USE", RIGHT, "PEAK", RIGHT,
                "QUOTA", RIGHT, "LIVE", RIGHT, "ALLOCS", RIGHT, "FREES", RIGHT));
        for (Cause cause : BUNDLE_CAUSES) {
            columns.add(cause.name());
            columns.add(RIGHT);
        }
        TextTable table = new TextTable(columns.toArray());
        for (BundleStats b : bundles) {
            List<Object> row = new ArrayList<>(List.of(b.bundleName(), b.bundleId(), SizeFormat.human(b.bytesInUse()),
                    SizeFormat.human(b.peak()), b.limit() == 0 ? "-" : SizeFormat.human(b.limit()),
                    b.liveAllocations(), b.allocations(), b.frees()));
            for (Cause cause : BUNDLE_CAUSES) {
                row.add(b.failures().getOrDefault(cause, 0L));
            }
            table.row(row.toArray());
        }
        out.append('\n').append(table.render());
        return appendPressure(out, stats).toString();
    }

    private static StringBuilder appendPressure(StringBuilder out, MemStats stats) {
        if (!stats.pressure().isEmpty()) {
            out.append("\npressure:\n").append(PressureReport.render(stats.pressure()));
        }
        return out;
    }

    /**
     * @return {@code "limit 64.0 MiB (67108864 bytes), warning at 54.4 MiB (57042534 bytes, 85 %)"},
     *     or {@code "limit none"} when there is no global budget
     */
    public static String limitText(MemStats stats) {
        if (stats.limit() == 0) {
            return "limit none";
        }
        return "limit " + SizeFormat.withBytes(stats.limit()) + ", warning at "
                + SizeFormat.human(stats.warnThreshold()) + " (" + stats.warnThreshold() + " bytes, "
                + warnPercent(stats) + " %)";
    }

    /** The configured warnPercent, recovered from the threshold (which the allocator rounds down). */
    public static long warnPercent(MemStats stats) {
        return stats.limit() == 0 ? 0 : Math.round(stats.warnThreshold() * 100.0 / stats.limit());
    }

    private static String failuresText(MemStats stats) {
        StringBuilder text = new StringBuilder();
        for (Cause cause : Cause.values()) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(cause.name()).append('=').append(stats.failures().getOrDefault(cause, 0L));
        }
        return text.toString();
    }
}
