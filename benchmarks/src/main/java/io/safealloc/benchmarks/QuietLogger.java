package io.safealloc.benchmarks;

import java.util.ResourceBundle;

/** A {@link System.Logger} that logs nothing: the measured paths must not pay for log output. */
final class QuietLogger implements System.Logger {

    static final QuietLogger INSTANCE = new QuietLogger();

    private QuietLogger() {
    }

    @Override
    public String getName() {
        return "quiet";
    }

    @Override
    public boolean isLoggable(Level level) {
        return false;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    }
}
