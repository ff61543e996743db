package io.safealloc.shell.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.allocator.core.pressure.PressureConfig;
import io.safealloc.api.PressureSource;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.shell.Allocators;

/** mem:stats and mem:leaks output from the figures of a real allocator. */
class ReportsTest {

    private SafeAllocator allocator;
    private OwnerView demo;
    private OwnerView sensor;

    @BeforeEach
    void setUp() {
        allocator = Allocators.withLimit(64L << 20);
        demo = allocator.open(new Owner(12, "io.safealloc.demo"));
        sensor = allocator.open(new Owner(15, "com.acme.sensor"));
    }

    @AfterEach
    void tearDown() {
        demo.close();
        sensor.close();
    }

    @Test
    void statsShowGlobalFiguresThenOneRowPerBundleLargestFirst() {
        demo.rAlloc(4096);
        demo.rAlloc(1024);
        MemorySegment freed = demo.rAlloc(100);
        demo.rFree(freed);
        sensor.rAlloc(1 << 20);
        assertThrows(MemoryAllocationException.class, () -> sensor.rAlloc(65L << 20));

        String[] lines = StatsReport.render(allocator.stats()).split("\n");

        assertEquals("global: in use 1.0 MiB (1053696 bytes), peak 1.0 MiB (1053696 bytes), limit 64.0 MiB "
                + "(67108864 bytes), warning at 54.4 MiB (57042534 bytes, 85 %)", lines[0]);
        assertEquals("global: live 3, allocations 4, frees 1, failures WARNING=0 LIMIT=1 FAIL=0 TOO_BIG=0 "
                + "PRESSURE=0, max allocation 8.0 TiB", lines[1]);
        assertTrue(Pattern.matches("BUNDLE +ID +IN USE +PEAK +QUOTA +LIVE +ALLOCS +FREES +WARNING +LIMIT +FAIL +TOO_BIG",
                lines[2]), lines[2]);
        assertTrue(Pattern.matches("com\\.acme\\.sensor +15 +1\\.0 MiB +1\\.0 MiB +- +1 +1 +0 +0 +1 +0 +0", lines[3]),
                lines[3]);
        assertTrue(Pattern.matches("io\\.safealloc\\.demo +12 +5\\.0 KiB +5\\.1 KiB +- +2 +3 +1 +0 +0 +0 +0", lines[4]),
                lines[4]);
        assertEquals(5, lines.length);
    }

    @Test
    void withPressureSourcesStatsEndWithThemAndMemPressureShowsEachWithItsThresholds() {
        SafeAllocator measured = Allocators.withLimit(0);
        measured.configurePressure(PressureConfig.OFF.withRoot(java.nio.file.Path.of("/no-such-root"))
                .withSources(java.util.EnumSet.of(PressureSource.DIRECT, PressureSource.CONTAINER)));
        try {
            String[] lines = StatsReport.render(measured.stats()).split("\n");
            assertEquals("no bundle holds an account", lines[2]);
            assertEquals("pressure:", lines[3]);
            assertTrue(Pattern.matches("SOURCE +LEVEL +FIGURE +USED +CAPACITY +HIGH +CRITICAL +DETAIL", lines[4]), lines[4]);
            assertTrue(Pattern.matches("DIRECT +NORMAL +\\d+\\.\\d % +.+ +85 % +95 % +direct buffers: .*", lines[5]), lines[5]);
            assertTrue(Pattern.matches("CONTAINER +OFF +- +- +- +85 % +95 % +off: cannot read /proc/self/cgroup .*", lines[6]),
                    lines[6]);
            assertEquals(String.join("\n", java.util.List.of(lines).subList(4, 7)),
                    PressureReport.render(measured.stats().pressure()));
            java.util.List<String> oneLineEach = measured.stats().pressure().stream().map(PressureReport::line).toList();
            assertTrue(Pattern.matches("DIRECT NORMAL \\d+\\.\\d % \\(.+ of .+; high 85 %, critical 95 %\\): direct buffers: .*",
                    oneLineEach.get(0)), oneLineEach.get(0));
            assertTrue(oneLineEach.get(1).startsWith("CONTAINER OFF (high 85 %, critical 95 %): off: cannot read /proc/self/cgroup"),
                    oneLineEach.get(1));
        } finally {
            measured.closePressure();
        }
        assertEquals(PressureReport.NONE, PressureReport.render(java.util.List.of()));
    }

    @Test
    void statsShowAQuotaAndNoneForAMissingLimit() {
        SafeAllocator unlimited = Allocators.withLimit(0);
        unlimited.setQuota("capped", 2048);
        try (OwnerView capped = unlimited.open(new Owner(3, "capped"))) {
            capped.rAlloc(16);
            String report = StatsReport.render(unlimited.stats());
            assertTrue(report.startsWith("global: in use 16 bytes, peak 16 bytes, limit none\n"), report);
            assertTrue(Pattern.compile("^capped +3 +16 B +16 B +2\\.0 KiB ", Pattern.MULTILINE).matcher(report).find(),
                    report);
        }
    }

    @Test
    void statsWithoutAccountsSaySo() {
        SafeAllocator empty = Allocators.withLimit(0);
        assertTrue(StatsReport.render(empty.stats()).endsWith("\nno bundle holds an account"));
    }

    @Test
    void leaksGroupLiveAllocationsByBundleWithATotal() {
        demo.rAlloc(100);
        demo.rAlloc(3000);
        sensor.rAlloc(8192);

        String[] lines = LeaksReport.render(allocator.holdings(), null, true).split("\n");

        assertEquals(List.of("BUNDLE", "ID", "COUNT", "BYTES", "SIZE", "LARGEST", "ARENAS", "ARENA-SIZE"),
                List.of(lines[0].split(" +")));
        assertTrue(Pattern.matches("com\\.acme\\.sensor +15 +1 +8192 +8\\.0 KiB +8\\.0 KiB +0 +0 B", lines[1]), lines[1]);
        assertTrue(Pattern.matches("io\\.safealloc\\.demo +12 +2 +3100 +3\\.0 KiB +2\\.9 KiB +0 +0 B", lines[2]), lines[2]);
        assertEquals("total: 3 allocations, 11.0 KiB (11292 bytes) in 2 bundles", lines[3]);
    }

    @Test
    void leaksShowOpenArenasAsPartOfWhatABundleHolds() {
        demo.rAlloc(100);
        try (java.lang.foreign.Arena arena = demo.confinedArena()) {
            arena.allocate(1000);
            arena.allocate(24);
            String[] lines = LeaksReport.render(allocator.holdings(), null, true).split("\n");
            assertTrue(Pattern.matches("io\\.safealloc\\.demo +12 +3 +1124 +1\\.1 KiB +1000 B +1 +1\\.0 KiB", lines[1]),
                    lines[1]);
            assertEquals("total: 3 allocations, 1.1 KiB (1124 bytes) in 1 bundle (1 open arena holds 1.0 KiB (1024 "
                    + "bytes) of it)", lines[2]);
        }
    }

    @Test
    void leaksFilterBySymbolicNameOrBundleId() {
        demo.rAlloc(100);
        sensor.rAlloc(200);

        String byName = LeaksReport.render(allocator.holdings(), "io.safealloc.demo", true);
        String byId = LeaksReport.render(allocator.holdings(), "12", true);

        assertEquals(byName, byId);
        assertTrue(byName.contains("io.safealloc.demo") && !byName.contains("com.acme.sensor"), byName);
        assertTrue(byName.endsWith("total: 1 allocations, 100 bytes in 1 bundle"), byName);
        assertEquals("no live allocations for bundle nobody", LeaksReport.render(allocator.holdings(), "nobody", true));
        assertEquals("no bundle nobody is installed (give a symbolic name or a bundle id, as lb lists them)",
                LeaksReport.render(allocator.holdings(), "nobody", false));
    }

    @Test
    void leaksWithoutLiveAllocationsSaySo() {
        assertEquals("no live allocations", LeaksReport.render(allocator.holdings(), null, true));
    }
}
