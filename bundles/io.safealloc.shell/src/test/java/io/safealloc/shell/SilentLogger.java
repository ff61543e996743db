package io.safealloc.shell;

import java.util.ResourceBundle;

/** Keeps the allocator's expected log lines (leaks released, refused allocations) out of the build output. */
final class SilentLogger implements System.Logger {

    @Override
    public String getName() {
        return "silent";
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
