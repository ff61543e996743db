package io.safealloc.allocator.core.pressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.api.PressureLevel;

/** The container source against fixture trees: v1, v2, hybrid, no limit, no cgroup, unreadable and garbled files. */
class ContainerProbeTest {

    @TempDir
    Path root;

    @Test
    void cgroupV2WithALimit() throws Exception {
        FixtureTree tree = new FixtureTree(root).cgroupV2("1000000", 900_000)
                .write("/sys/fs/cgroup/app/memory.stat", "anon 700000\ninactive_file 100000\nactive_file 5\n");
        ContainerProbe probe = new ContainerProbe(tree.files());
        assertEquals(new Cgroup(2, "/sys/fs/cgroup/app", "/sys/fs/cgroup"), probe.cgroup());
        Measurement m = probe.measure();
        assertEquals(800_000, m.used(), "reclaimable page cache is not pressure");
        assertEquals(1_000_000, m.capacity());
        assertEquals(80.0, m.percent(), 1e-9);
        assertEquals(PressureLevel.NORMAL, m.floor());
        assertTrue(m.detail().contains("events high=0 max=0 oom_kill=0"), m.detail());
    }

    @Test
    void cgroupV2WithoutALimitMeasuresButHasNoCapacity() throws Exception {
        FixtureTree tree = new FixtureTree(root).cgroupV2("max", 900_000);
        ContainerProbe probe = new ContainerProbe(tree.files());
        Measurement m = probe.measure();
        assertEquals(0, m.capacity());
        assertEquals(0.0, m.percent());
        assertEquals(Long.MAX_VALUE, probe.limit());
        assertTrue(m.detail().contains("of limit none (max)"), m.detail());
    }

    @Test
    void theSmallestLimitOnTheWayUpCounts() throws Exception {
        FixtureTree tree = new FixtureTree(root).cgroupV2("max", 400_000)
                .write("/sys/fs/cgroup/memory.max", "500000\n");
        Measurement m = new ContainerProbe(tree.files()).measure();
        assertEquals(500_000, m.capacity());
        assertEquals(80.0, m.percent(), 1e-9);
    }

    @Test
    void memoryHighReachedIsAtLeastHigh() throws Exception {
        FixtureTree tree = new FixtureTree(root).cgroupV2("1000000", 600_000)
                .write("/sys/fs/cgroup/app/memory.high", "500000\n");
        Measurement m = new ContainerProbe(tree.files()).measure();
        assertEquals(PressureLevel.HIGH, m.floor(), "the kernel throttles from memory.high on");
        assertTrue(m.detail().contains("memory.high 500000"), m.detail());
    }

    @Test
    void cgroupV1BesideAV2HierarchyIsFoundThroughMountinfo() throws Exception {
        FixtureTree tree = new FixtureTree(root).cgroupV1Hybrid(1 << 30, 3 << 28);
        ContainerProbe probe = new ContainerProbe(tree.files());
        assertEquals(new Cgroup(1, "/sys/fs/cgroup/memory/docker/abc", "/sys/fs/cgroup/memory"), probe.cgroup());
        Measurement m = probe.measure();
        assertEquals(75.0, m.percent(), 1e-9);
        assertEquals(1 << 30, m.capacity());
    }

    @Test
    void cgroupV1UnlimitedIsNoLimit() throws Exception {
        FixtureTree tree = new FixtureTree(root).cgroupV1Hybrid(1 << 30, 1000)
                .write("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "9223372036854771712\n");
        assertEquals(0, new ContainerProbe(tree.files()).measure().capacity());
    }

    @Test
    void withoutMountinfoTheUsualMountPointsAreTried() throws Exception {
        FixtureTree tree = new FixtureTree(root).cgroupV1Hybrid(1 << 30, 1 << 29);
        java.nio.file.Files.delete(root.resolve("proc/self/mountinfo"));
        assertEquals(50.0, new ContainerProbe(tree.files()).measure().percent(), 1e-9);
    }

    @Test
    void noProcSelfCgroupIsOffWithTheReason() {
        ProbeUnavailable e = assertThrows(ProbeUnavailable.class, () -> new ContainerProbe(new SystemFiles(root)));
        assertTrue(e.getMessage().startsWith("cannot read /proc/self/cgroup (under " + root), e.getMessage());
    }

    @Test
    void aV2HierarchyWithoutTheMemoryControllerIsNoMemoryCgroup() {
        FixtureTree tree = new FixtureTree(root).write("/proc/self/cgroup", "0::/\n")
                .write("/sys/fs/cgroup/cgroup.controllers", "cpu io\n");
        ProbeUnavailable e = assertThrows(ProbeUnavailable.class, () -> new ContainerProbe(tree.files()));
        assertEquals("no readable memory cgroup: tried v2 / under /sys/fs/cgroup (no memory.current: memory "
                + "controller not enabled)", e.getMessage());
    }

    @Test
    void noMemoryLineIsNoMemoryCgroup() {
        FixtureTree tree = new FixtureTree(root).write("/proc/self/cgroup", "3:cpu:/\n");
        ProbeUnavailable e = assertThrows(ProbeUnavailable.class, () -> new ContainerProbe(tree.files()));
        assertTrue(e.getMessage().contains("names no memory cgroup"), e.getMessage());
    }

    @Test
    void garbageIsOffWithTheFileAndWhatItHeld() {
        FixtureTree tree = new FixtureTree(root).cgroupV2("1000000", 1).write("/sys/fs/cgroup/app/memory.current", "lots\n");
        ProbeUnavailable e = assertThrows(ProbeUnavailable.class, () -> new ContainerProbe(tree.files()));
        assertEquals("/sys/fs/cgroup/app/memory.current (under " + root + ") holds 'lots', not a number of bytes",
                e.getMessage());
    }

    @Test
    void aNegativeOrEmptyFigureIsGarbageToo() {
        FixtureTree tree = new FixtureTree(root).cgroupV2("-5", 1);
        assertTrue(assertThrows(ProbeUnavailable.class, () -> new ContainerProbe(tree.files())).getMessage()
                .endsWith("holds '-5', not a number of bytes"));
        tree.v2Max("1000").write("/sys/fs/cgroup/app/memory.current", "");
        assertTrue(assertThrows(ProbeUnavailable.class, () -> new ContainerProbe(tree.files())).getMessage()
                .endsWith("holds '', not a number of bytes"));
    }

    @Test
    void anUnreadableFileIsOffWithTheReason() throws Exception {
        FixtureTree tree = new FixtureTree(root).cgroupV2("1000000", 1);
        java.nio.file.Files.delete(root.resolve("sys/fs/cgroup/app/memory.max"));
        tree.unreadable("/sys/fs/cgroup/app/memory.max");
        ProbeUnavailable e = assertThrows(ProbeUnavailable.class, () -> new ContainerProbe(tree.files()));
        assertTrue(e.getMessage().startsWith("cannot read /sys/fs/cgroup/app/memory.max (under "), e.getMessage());
    }
}
