package io.safealloc.gateway.launcher;

import java.util.logging.LogManager;

/**
 * Console logging of the gateway: one readable line per record, and still there while the gateway
 * stops on SIGTERM. The bundles log with {@code System.getLogger}, which in a plain JVM ends in
 * java.util.logging. Must run before anything logs: java.util.logging reads both settings once.
 *
 * <ul>
 *   <li>Format: {@code 2025-01-01 12:00:00.000 INFO io.safealloc.allocator: message} (a throwable,
 *       if any, follows); the default format spreads a record over two lines.</li>
 *   <li>{@link StoppableLogManager}: the JDK closes the console handler in a shutdown hook of its
 *       own, concurrently with the launcher's hook that stops the framework, so whatever the bundles
 *       log while they stop on SIGTERM (leaks released, a component's last words) would be lost.</li>
 * </ul>
 * The operator's own {@code -Djava.util.logging.SimpleFormatter.format=...},
 * {@code -Djava.util.logging.config.file=...} or {@code -Djava.util.logging.manager=...} wins.
 */
final class ConsoleLogFormat {

    static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    static final String MANAGER_PROPERTY = "java.util.logging.manager";
    static final String FORMAT = "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

    private ConsoleLogFormat() {
    }

    static void install() {
        if (System.getProperty(FORMAT_PROPERTY) == null && System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty(FORMAT_PROPERTY, FORMAT);
        }
        if (System.getProperty(MANAGER_PROPERTY) == null) {
            System.setProperty(MANAGER_PROPERTY, StoppableLogManager.class.getName());
        }
    }

    /**
     * A {@link LogManager} whose handlers stay open during JVM shutdown: it ignores the
     * {@code reset()} of the JDK's own shutdown hook (thread class {@code LogManager$Cleaner}). The
     * console handler flushes every record, so nothing is left unwritten when the process ends.
     * Instantiated by java.util.logging through {@value #MANAGER_PROPERTY}; public for that.
     */
    public static final class StoppableLogManager extends LogManager {

        @Override
        public void reset() {
            if (!Thread.currentThread().getClass().getName().equals(LogManager.class.getName() + "$Cleaner")) {
                super.reset();
            }
        }
    }
}
