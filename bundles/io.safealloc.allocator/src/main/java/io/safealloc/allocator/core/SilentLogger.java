package io.safealloc.allocator.core;

import java.util.ResourceBundle;

/** The logger of {@link SafeAllocator.Builder#silent()}: every level is off. Stateless, thread-safe. */
final class SilentLogger implements System.Logger {

    static final SilentLogger INSTANCE = new SilentLogger();

    private SilentLogger() {
    }

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
