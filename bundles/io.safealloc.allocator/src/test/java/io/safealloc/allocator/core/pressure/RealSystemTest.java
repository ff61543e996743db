package io.safealloc.allocator.core.pressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.safealloc.api.PressureLevel;

import io.safealloc.allocator.core.RecordingLogger;

/**
 * Read-only checks against this machine's real {@code /proc} and {@code /sys/fs/cgroup}: the
 * probes only read (nothing here writes, creates or moves a cgroup). What the machine has decides
 * what is expected: a memory controller line in {@code /proc/self/cgroup} must be found, PSI must
 * be read when the kernel has it.
 */
class RealSystemTest {

    private final SystemFiles real = new SystemFiles(Path.of("/"));
    private final RecordingLogger log = new RecordingLogger();

    @Test
    void theMemoryCgroupThisProcessIsInIsFoundAndMeasured() throws Exception {
        Path membership = Path.of("/proc/self/cgroup");
        assumeTrue(Files.isReadable(membership), "no /proc/self/cgroup: not Linux");
        String lines = Files.readString(membership);
        boolean v1Memory = lines.lines().anyMatch(l -> l.split(":", 3).length == 3
                && java.util.List.of(l.split(":", 3)[1].split(",")).contains("memory"));
        try {
            ContainerProbe probe = new ContainerProbe(real);
            if (v1Memory) {
                assertEquals(1, probe.cgroup().version(), "a v1 memory controller wins over a v2 hierarchy beside it");
            }
            assertTrue(Files.isDirectory(Path.of(probe.cgroup().directory())), probe.cgroup().toString());
            Measurement m = probe.measure();
            assertTrue(m.used() >= 0, m.detail());
            assertTrue(m.capacity() == 0 || m.capacity() >= m.used() / 2, m.detail());
            System.out.println("this machine: " + m.detail() + String.format(" (%.1f %%)", m.percent()));
        } catch (ProbeUnavailable none) {
            assertFalse(v1Memory, "a memory controller line must be found: " + none.getMessage());
            assertFalse(none.getMessage().isBlank());
            System.out.println("this machine: container source off: " + none.getMessage());
        }
    }

    @Test
    void meminfoAndPsiWhereTheKernelHasIt() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/meminfo")), "no /proc/meminfo: not Linux");
        SystemProbe probe = new SystemProbe(real, 20, 10, log);
        Measurement m = probe.measure();
        assertTrue(m.capacity() > 0 && m.used() <= m.capacity(), m.detail());
        boolean psi = Files.isReadable(Path.of("/proc/pressure/memory"));
        assertEquals(psi, m.detail().contains("PSI some avg10"), m.detail());
        assertEquals(!psi, log.contains("no PSI"), log.lines.toString());
        System.out.println("this machine: " + m.detail());
    }

    @Test
    void theHeapAndDirectBuffersOfThisJvm() throws Exception {
        HeapProbe heap = new HeapProbe(new Thresholds(85, 95, 5), () -> { });
        try {
            Measurement m = heap.measure();
            assertTrue(m.capacity() > 0 && m.used() >= 0, m.detail());
            assertEquals(PressureLevel.NORMAL, m.floor());
        } finally {
            heap.close();
        }
        Measurement direct = new DirectProbe().measure();
        assertEquals(JvmMemory.maxDirect(), direct.capacity());
    }

    @Test
    void limitAutoOnThisMachineExplainsItself() {
        AutoLimit auto = AutoLimit.compute(real, AutoLimit.DEFAULT_RESERVE);
        assertTrue(auto.limit() >= AutoLimit.MINIMUM);
        assertTrue(auto.explanation().startsWith("limit=auto: "), auto.explanation());
        System.out.println("this machine: " + auto.explanation());
    }
}
