package io.safealloc.allocator.core.pressure;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureSource;

/**
 * The machine's memory: {@code /proc/meminfo} ({@code MemTotal - MemAvailable} against
 * {@code MemTotal}) and, where the kernel has it (4.20 and later, with PSI on), Linux pressure stall
 * information {@code /proc/pressure/memory}: {@code some avg10} at or above its threshold makes the
 * level at least HIGH, {@code full avg10} at or above its threshold CRITICAL, as systemd-oomd and
 * Android's lmkd read it. Without PSI (or with a garbled file) the source measures meminfo alone,
 * which the detail and one log line say.
 *
 * <p>Not thread-safe: the monitor's thread only.
 */
public final class SystemProbe implements Probe {

    private static final String MEMINFO = "/proc/meminfo";
    private static final String PSI = "/proc/pressure/memory";

    private final SystemFiles files;
    private final double psiSomeHigh;
    private final double psiFullCritical;
    private final Logger log;
    private boolean psi;
    private String psiMissing;

    public SystemProbe(SystemFiles files, double psiSomeHigh, double psiFullCritical, Logger log) throws ProbeUnavailable {
        this.files = files;
        this.psiSomeHigh = psiSomeHigh;
        this.psiFullCritical = psiFullCritical;
        this.log = log;
        try {
            psi(files.read(PSI));
            psi = true;
        } catch (ProbeUnavailable e) {
            psiMissing = e.getMessage();
            log.log(Level.INFO, "memory pressure SYSTEM: no PSI, meminfo only: {0}", psiMissing);
        }
        measure();
    }

    @Override
    public PressureSource source() {
        return PressureSource.SYSTEM;
    }

    @Override
    public Measurement measure() throws ProbeUnavailable {
        String meminfo = files.read(MEMINFO);
        long total = kilobytes(meminfo, "MemTotal");
        long available = kilobytes(meminfo, "MemAvailable");
        if (total <= 0) {
            throw new ProbeUnavailable(files.where(MEMINFO) + " says MemTotal is " + total + " kB");
        }
        long used = Math.max(0, total - available);
        String detail = "meminfo: MemAvailable " + available + " of MemTotal " + total;
        PressureLevel floor = PressureLevel.NORMAL;
        if (psi) {
            try {
                double[] someFull = psi(files.read(PSI));
                detail += ", PSI some avg10 " + someFull[0] + " full avg10 " + someFull[1];
                floor = someFull[1] >= psiFullCritical ? PressureLevel.CRITICAL
                        : someFull[0] >= psiSomeHigh ? PressureLevel.HIGH : PressureLevel.NORMAL;
            } catch (ProbeUnavailable e) {
                psi = false;
                psiMissing = e.getMessage();
                log.log(Level.WARNING, "memory pressure SYSTEM: PSI switched off, meminfo only: {0}", psiMissing);
            }
        }
        if (!psi) {
            detail += ", no PSI";
        }
        return Measurement.of(used, total, floor, detail);
    }

    private long kilobytes(String meminfo, String key) throws ProbeUnavailable {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith(key + ":")) {
                String[] parts = line.substring(key.length() + 1).trim().split("\\s+");
                try {
                    long kb = Long.parseLong(parts[0]);
                    if (kb < 0 || kb > Long.MAX_VALUE / 1024) {
                        throw new NumberFormatException();
                    }
                    return kb * 1024;
                } catch (NumberFormatException e) {
                    throw new ProbeUnavailable(files.where(MEMINFO) + ": " + key + " is '"
                            + SystemFiles.abbreviate(line) + "', not a number of kB");
                }
            }
        }
        throw new ProbeUnavailable(files.where(MEMINFO) + " has no " + key + " line (MemAvailable needs Linux 3.14)");
    }

    /** @return {some avg10, full avg10} */
    private double[] psi(String text) throws ProbeUnavailable {
        double[] values = {Double.NaN, Double.NaN};
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            int which = fields[0].equals("some") ? 0 : fields[0].equals("full") ? 1 : -1;
            for (int i = 1; which >= 0 && i < fields.length; i++) {
                if (fields[i].startsWith("avg10=")) {
                    try {
                        values[which] = Double.parseDouble(fields[i].substring(6));
                    } catch (NumberFormatException e) {
                        values[which] = Double.NaN;
                    }
                }
            }
        }
        if (Double.isNaN(values[0]) || values[0] < 0 || values[0] > 100) {
            throw new ProbeUnavailable(files.where(PSI) + " has no 'some avg10=' figure: '"
                    + SystemFiles.abbreviate(text) + "'");
        }
        if (Double.isNaN(values[1]) || values[1] < 0 || values[1] > 100) {
            values[1] = 0; // kernels before 5.x may lack the "full" line for memory: only "some" then
        }
        return values;
    }
}
