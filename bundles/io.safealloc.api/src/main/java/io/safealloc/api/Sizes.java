package io.safealloc.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one syntax of a size in bytes, wherever an operator gives one: the shell ({@code mem:limit
 * 64m}), a configuration file, Config Admin. A whole number of bytes, optionally with a binary unit
 * suffix, case-insensitive: {@code 4096}, {@code 512k}, {@code 64m}, {@code 1g}, {@code 2t}; the
 * suffix may be spelled {@code k}, {@code kb} or {@code kib} (all mean 1024); underscores between
 * digits are allowed ({@code 67_108_864}).
 *
 * <p>Stateless functions; not instantiable. Thread-safe.
 */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d[\\d_]*)\\s*(?:([kmgt])(?:i?b)?|b)?");

    private Sizes() {
    }

    /**
     * @param text a size as an operator wrote it
     * @return the size in bytes, {@code >= 0}
     * @throws IllegalArgumentException with a one-line message when the text is not a size (empty,
     *     negative, a fraction, an unknown unit) or does not fit in a {@code long}
     */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no size given");
        }
        String trimmed = text.trim();
        Matcher m = SIZE.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (!m.matches() || m.group(1).endsWith("_")) {
            throw new IllegalArgumentException(trimmed.startsWith("-")
                    ? "size must not be negative: " + trimmed
                    : "not a size: " + trimmed + " (expected bytes, or a number with k, m, g or t)");
        }
        long number;
        try {
            number = Long.parseLong(m.group(1).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size too large: " + trimmed);
        }
        int shift = m.group(2) == null ? 0 : 10 * (1 + "kmgt".indexOf(m.group(2).charAt(0)));
        if (shift > 0 && number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: " + trimmed);
        }
        return number << shift;
    }
}
