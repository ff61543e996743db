package io.safealloc.allocator.core.pressure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.api.PressureLevel;

import io.safealloc.allocator.core.RecordingLogger;

/** The system source against fixture trees: meminfo with and without PSI, garbled files. */
class SystemProbeTest {

    @TempDir
    Path root;

    private final RecordingLogger log = new RecordingLogger();

    @Test
    void memAvailableAgainstMemTotal() throws Exception {
        FixtureTree tree = new FixtureTree(root).meminfo(1000, 250).psi(0.5, 0);
        Measurement m = new SystemProbe(tree.files(), 20, 10, log).measure();
        assertEquals(750 * 1024, m.used());
        assertEquals(1000 * 1024, m.capacity());
        assertEquals(75.0, m.percent(), 1e-9);
        assertEquals(PressureLevel.NORMAL, m.floor());
        assertEquals("meminfo: MemAvailable 256000 of MemTotal 1024000, PSI some avg10 0.5 full avg10 0.0", m.detail());
    }

    @Test
    void psiOverItsThresholdsRaisesTheLevel() throws Exception {
        FixtureTree tree = new FixtureTree(root).meminfo(1000, 900).psi(25, 1);
        SystemProbe probe = new SystemProbe(tree.files(), 20, 10, log);
        assertEquals(PressureLevel.HIGH, probe.measure().floor());
        tree.psi(40, 12.5);
        assertEquals(PressureLevel.CRITICAL, probe.measure().floor());
    }

    @Test
    void withoutPsiMeminfoAloneAndOneLine() throws Exception {
        FixtureTree tree = new FixtureTree(root).meminfo(1000, 900);
        Measurement m = new SystemProbe(tree.files(), 20, 10, log).measure();
        assertTrue(m.detail().endsWith(", no PSI"), m.detail());
        assertEquals(1, log.lines.size(), log.lines.toString());
        assertTrue(log.lines.get(0).startsWith("INFO memory pressure SYSTEM: no PSI, meminfo only: cannot read "
                + "/proc/pressure/memory"), log.lines.toString());
    }

    @Test
    void garbledPsiLaterSwitchesPsiOffNotTheSource() throws Exception {
        FixtureTree tree = new FixtureTree(root).meminfo(1000, 900).psi(1, 0);
        SystemProbe probe = new SystemProbe(tree.files(), 20, 10, log);
        tree.write("/proc/pressure/memory", "some avg10=lots\n");
        Measurement m = probe.measure();
        assertTrue(m.detail().endsWith(", no PSI"), m.detail());
        assertTrue(log.lines.get(0).startsWith("WARNING memory pressure SYSTEM: PSI switched off, meminfo only: "
                + "/proc/pressure/memory (under "), log.lines.toString());
    }

    @Test
    void noMeminfoIsOff() {
        ProbeUnavailable e = assertThrows(ProbeUnavailable.class, () -> new SystemProbe(new SystemFiles(root), 20, 10, log));
        assertTrue(e.getMessage().startsWith("cannot read /proc/meminfo (under "), e.getMessage());
    }

    @Test
    void meminfoWithoutMemAvailableIsOff() {
        FixtureTree tree = new FixtureTree(root).write("/proc/meminfo", "MemTotal: 1000 kB\nMemFree: 5 kB\n");
        ProbeUnavailable e = assertThrows(ProbeUnavailable.class, () -> new SystemProbe(tree.files(), 20, 10, log));
        assertTrue(e.getMessage().endsWith("has no MemAvailable line (MemAvailable needs Linux 3.14)"), e.getMessage());
    }

    @Test
    void garbledMeminfoIsOff() {
        FixtureTree tree = new FixtureTree(root).write("/proc/meminfo", "MemTotal: many kB\nMemAvailable: 5 kB\n");
        ProbeUnavailable e = assertThrows(ProbeUnavailable.class, () -> new SystemProbe(tree.files(), 20, 10, log));
        assertTrue(e.getMessage().endsWith(": MemTotal is 'MemTotal: many kB', not a number of kB"), e.getMessage());
    }
}
