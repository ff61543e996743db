package io.safealloc.webconsole;

import io.safealloc.api.WebConsoleConstants;

/**
 * Reads the {@value WebConsoleConstants#SECONDS_PARAMETER} query parameter of the JSON resource:
 * how much history the page wants.
 *
 * <p>Stateless; thread-safe.
 */
final class HistoryWindow {

    private HistoryWindow() {
    }

    /**
     * @param seconds the parameter as sent, null for all the history kept
     * @return how many samples that is
     * @throws IllegalArgumentException with a one-line message when it is not a whole number from 1
     *     to {@code maxSeconds}
     */
    static int samples(String seconds, int maxSeconds, int samplesPerSecond) {
        if (seconds == null) {
            return maxSeconds * samplesPerSecond;
        }
        int value;
        try {
            value = Integer.parseInt(seconds.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(WebConsoleConstants.SECONDS_PARAMETER + ": not a whole number: "
                    + shorten(seconds));
        }
        if (value < 1 || value > maxSeconds) {
            throw new IllegalArgumentException(WebConsoleConstants.SECONDS_PARAMETER + " must be from 1 to "
                    + maxSeconds + ", was " + value);
        }
        return value * samplesPerSecond;
    }

    /** An error message quotes at most 40 characters of what was sent. */
    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
