package io.safealloc.shell.report;

import static io.safealloc.shell.report.TextTable.Align.LEFT;
import static io.safealloc.shell.report.TextTable.Align.RIGHT;

import java.util.List;
import java.util.Locale;

import io.safealloc.api.PressureReading;

/**
 * Renders the pressure sources ({@link io.safealloc.api.MemStats#pressure()}) for {@code mem:pressure}
 * and the pressure section of {@code mem:stats}: one row per configured source with its level,
 * figure, bytes, thresholds, and where the figures came from (or why the source is off).
 *
 * <p>Stateless and thread-safe.
 */
public final class PressureReport {

    /** What {@code mem:pressure} prints when no source is configured. */
    public static final String NONE = "no pressure source configured (pressureSources of io.safealloc.allocator)";

    private PressureReport() {
    }

    /** @return the table, or {@link #NONE} */
    public static String render(List<PressureReading> readings) {
        if (readings.isEmpty()) {
            return NONE;
        }
        TextTable table = new TextTable("SOURCE", LEFT, "LEVEL", LEFT, "FIGURE", RIGHT, "USED", RIGHT, "CAPACITY", RIGHT,
                "HIGH", RIGHT, "CRITICAL", RIGHT, "DETAIL", LEFT);
        for (PressureReading r : readings) {
            table.row(r.source(), r.active() ? r.level() : "OFF",
                    r.active() ? String.format(Locale.ROOT, "%.1f %%", r.percent()) : "-",
                    r.active() ? SizeFormat.human(r.used()) : "-",
                    r.active() && r.capacity() > 0 ? SizeFormat.human(r.capacity()) : "-",
                    r.highPercent() + " %", r.criticalPercent() + " %", r.detail());
        }
        return table.render();
    }

    /**
     * One reading on one line, for surfaces without a table (JMX):
     * {@code HEAP NORMAL 0.3 % (18.0 MiB of 6.0 GiB; high 85 %, critical 95 %): <detail>}, or
     * {@code CONTAINER OFF (high 85 %, critical 95 %): <why>} for a source that could not be read.
     */
    public static String line(PressureReading r) {
        String thresholds = "high " + r.highPercent() + " %, critical " + r.criticalPercent() + " %";
        String figures = !r.active() ? "OFF (" + thresholds + ")"
                : String.format(Locale.ROOT, "%s %.1f %% (%s of %s; %s)", r.level(), r.percent(), SizeFormat.human(r.used()),
                        r.capacity() > 0 ? SizeFormat.human(r.capacity()) : "no limit", thresholds);
        return r.source() + " " + figures + (r.detail() == null || r.detail().isEmpty() ? "" : ": " + r.detail());
    }
}
