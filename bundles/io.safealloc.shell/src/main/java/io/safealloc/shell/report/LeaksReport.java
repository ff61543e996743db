package io.safealloc.shell.report;

import static io.safealloc.shell.report.TextTable.Align.LEFT;
import static io.safealloc.shell.report.TextTable.Align.RIGHT;

import java.util.List;

import io.safealloc.api.Holding;

/**
 * Renders {@link io.safealloc.api.AllocatorService#holdings()} for {@code mem:leaks}: what each
 * bundle holds right now (count, exact bytes, human size, largest allocation, and how many arenas
 * it has open with the size they hold, part of the count and bytes), then a {@code total:} line. A bundle still running holds memory legitimately; what is left when it stops
 * is what the allocator reports as a leak and frees.
 *
 * <p>Stateless and thread-safe.
 */
public final class LeaksReport {

    private LeaksReport() {
    }

    /**
     * @param holdings per bundle, largest first (as the allocator returns them)
     * @param bundle {@code null} for every bundle, else a symbolic name or a bundle id
     * @param bundleInstalled whether {@code bundle} names an installed bundle: a typo must not read
     *     as "that bundle holds nothing"
     * @return the report, lines joined by {@code \n}, no final newline
     */
    public static String render(List<Holding> holdings, String bundle, boolean bundleInstalled) {
        List<Holding> shown = holdings.stream().filter(h -> matches(h, bundle)).toList();
        if (shown.isEmpty()) {
            if (bundle == null) {
                return "no live allocations";
            }
            return bundleInstalled ? "no live allocations for bundle " + bundle
                    : "no bundle " + bundle + " is installed (give a symbolic name or a bundle id, as lb lists them)";
        }
        TextTable table = new TextTable("BUNDLE", LEFT, "ID", RIGHT, "COUNT", RIGHT, "BYTES", RIGHT,
                "SIZE", RIGHT, "LARGEST", RIGHT, "ARENAS", RIGHT, "ARENA-SIZE", RIGHT);
        long count = 0;
        long bytes = 0;
        long arenas = 0;
        long arenaBytes = 0;
        for (Holding h : shown) {
            table.row(h.bundleName(), h.bundleId(), h.count(), h.bytes(), SizeFormat.human(h.bytes()),
                    SizeFormat.human(h.largest()), h.openArenas(), SizeFormat.human(h.arenaBytes()));
            count += h.count();
            bytes += h.bytes();
            arenas += h.openArenas();
            arenaBytes += h.arenaBytes();
        }
        String total = table.render() + "\ntotal: " + count + " allocations, " + SizeFormat.withBytes(bytes) + " in "
                + shown.size() + (shown.size() == 1 ? " bundle" : " bundles");
        return arenas == 0 ? total
                : total + " (" + arenas + (arenas == 1 ? " open arena holds " : " open arenas hold ")
                        + SizeFormat.withBytes(arenaBytes) + " of it)";
    }

    private static boolean matches(Holding holding, String bundle) {
        return bundle == null || bundle.equals(holding.bundleName()) || bundle.equals(Long.toString(holding.bundleId()));
    }
}
