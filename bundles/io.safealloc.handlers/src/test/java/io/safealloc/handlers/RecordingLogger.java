package io.safealloc.handlers;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A System.Logger that keeps every formatted line with its level ("LEVEL message"), so that tests
 * assert what an operator would read. Levels below {@code threshold} are not loggable, as with a
 * configured logging backend.
 */
public final class RecordingLogger implements System.Logger {

    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final Level threshold;

    public RecordingLogger() {
        this(Level.ALL);
    }

    public RecordingLogger(Level threshold) {
        this.threshold = threshold;
    }

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF && level.getSeverity() >= threshold.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (isLoggable(level)) {
            lines.add(level + " " + msg + (thrown == null ? "" : " " + thrown));
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (isLoggable(level)) {
            lines.add(level + " " + (params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
        }
    }

    public boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }
}
