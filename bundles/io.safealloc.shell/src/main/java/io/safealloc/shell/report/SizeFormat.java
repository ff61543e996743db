package io.safealloc.shell.report;

import java.util.Locale;

/**
 * Formats byte counts for people: binary units (KiB = 1024 bytes), one decimal, always the same
 * shape so that output stays greppable ({@code "512 B"}, {@code "4.0 KiB"}, {@code "64.0 MiB"},
 * {@code "1.5 GiB"}, {@code "8.0 TiB"}).
 *
 * <p>Stateless and thread-safe.
 */
public final class SizeFormat {

    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private SizeFormat() {
    }

    /**
     * @param bytes a byte count; negative values keep their sign
     * @return below 1 KiB the exact count ({@code "96 B"}), otherwise the largest unit that keeps
     *     the value at or above 1.0, with one decimal rounded half-up ({@code "54.4 MiB"})
     */
    public static String human(long bytes) {
        if (bytes < 0) {
            return bytes == Long.MIN_VALUE ? "-8.0 EiB" : "-" + human(-bytes);
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double value = bytes / 1024.0;
        // Round first, so that 1023.96 KiB becomes "1.0 MiB" rather than "1024.0 KiB".
        while (unit < UNITS.length - 1 && Math.round(value * 10) >= 1024 * 10) {
            value /= 1024.0;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    /** @return for example {@code "64.0 MiB (67108864 bytes)"}; below 1 KiB just {@code "96 bytes"} */
    public static String withBytes(long bytes) {
        return bytes >= 0 && bytes < 1024 ? bytes + " bytes" : human(bytes) + " (" + bytes + " bytes)";
    }
}
