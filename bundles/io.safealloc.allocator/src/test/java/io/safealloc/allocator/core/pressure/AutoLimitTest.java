package io.safealloc.allocator.core.pressure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** limit=auto from the container's limit or the physical memory, and how the log explains it. */
class AutoLimitTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path root;

    @Test
    void theContainerLimitMinusHeapDirectAndReserve() {
        FixtureTree tree = new FixtureTree(root).cgroupV2(String.valueOf(1024 * MIB), 1).meminfo(64L << 20, 1);
        AutoLimit auto = AutoLimit.compute(tree.files(), 64 * MIB, 256 * MIB, 128 * MIB);
        assertEquals(576 * MIB, auto.limit());
        assertEquals("limit=auto: 576.0 MiB = container limit 1024.0 MiB (cgroup v2 /sys/fs/cgroup/app) - max heap "
                + "256.0 MiB - max direct memory 128.0 MiB - reserve 64.0 MiB", auto.explanation());
    }

    @Test
    void withoutAContainerLimitThePhysicalMemory() {
        FixtureTree tree = new FixtureTree(root).cgroupV2("max", 1).meminfo(2L << 20, 1); // 2 GiB in kB
        AutoLimit auto = AutoLimit.compute(tree.files(), 64 * MIB, 512 * MIB, 512 * MIB);
        assertEquals((2048 - 1088) * MIB, auto.limit());
        assertEquals("limit=auto: 960.0 MiB = physical memory 2048.0 MiB (the container sets no limit) - max heap "
                + "512.0 MiB - max direct memory 512.0 MiB - reserve 64.0 MiB", auto.explanation());
    }

    @Test
    void withoutAnyCgroupThePhysicalMemoryAndWhy() {
        FixtureTree tree = new FixtureTree(root).meminfo(2L << 20, 1);
        AutoLimit auto = AutoLimit.compute(tree.files(), 0, 512 * MIB, 512 * MIB);
        assertEquals(1024 * MIB, auto.limit());
        assertEquals("limit=auto: 1024.0 MiB = physical memory 2048.0 MiB (cannot read /proc/self/cgroup (under " + root
                + "): NoSuchFileException " + root.resolve("proc/self/cgroup") + ") - max heap 512.0 MiB - max direct "
                + "memory 512.0 MiB - reserve 0.0 MiB", auto.explanation());
    }

    @Test
    void nothingLeftIsTheMinimumAndSaysSo() {
        FixtureTree tree = new FixtureTree(root).cgroupV2(String.valueOf(512 * MIB), 1);
        AutoLimit auto = AutoLimit.compute(tree.files(), 64 * MIB, 256 * MIB, 256 * MIB);
        assertEquals(AutoLimit.MINIMUM, auto.limit());
        assertEquals("limit=auto: container limit 512.0 MiB (cgroup v2 /sys/fs/cgroup/app) - max heap 256.0 MiB - max "
                + "direct memory 256.0 MiB - reserve 64.0 MiB leaves -64.0 MiB, less than the minimum: 16.0 MiB (lower "
                + "-Xmx or -XX:MaxDirectMemorySize, or set a limit)", auto.explanation());
    }

    @Test
    void maxDirectMemoryFromTheCommandLineOrTheHeap() {
        assertEquals(32 * MIB, JvmMemory.maxDirect(List.of("-Xmx1g", "-XX:MaxDirectMemorySize=32m"), 1024 * MIB));
        assertEquals(1024 * MIB, JvmMemory.maxDirect(List.of("-Xmx1g"), 1024 * MIB));
        assertEquals(1024 * MIB, JvmMemory.maxDirect(List.of("-XX:MaxDirectMemorySize=0"), 1024 * MIB));
    }
}
