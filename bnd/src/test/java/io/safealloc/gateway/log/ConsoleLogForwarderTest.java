package io.safealloc.gateway.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.System.Logger.Level;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;

/** How OSGi Log Service entries become console lines. */
class ConsoleLogForwarderTest {

    @Test
    void aThrowableIsOneLineAfterTheMessage() {
        assertEquals("Invalid JSON from file:/etc/gateway.json",
                ConsoleLogForwarder.line(entry("Invalid JSON from file:/etc/gateway.json", null)));
        assertEquals("activate failed: java.lang.IllegalStateException: no device",
                ConsoleLogForwarder.line(entry("activate failed", new IllegalStateException("no device"))));
    }

    @Test
    void levelsMapToSystemLoggerLevels() {
        assertEquals(Level.ERROR, ConsoleLogForwarder.toSystemLevel(LogLevel.ERROR));
        assertEquals(Level.WARNING, ConsoleLogForwarder.toSystemLevel(LogLevel.WARN));
        assertEquals(Level.INFO, ConsoleLogForwarder.toSystemLevel(LogLevel.AUDIT));
        assertEquals(Level.DEBUG, ConsoleLogForwarder.toSystemLevel(LogLevel.DEBUG));
    }

    @Test
    void theThresholdIsParsedLeniently() {
        assertEquals(LogLevel.WARN, ConsoleLogForwarder.parse(null));
        assertEquals(LogLevel.INFO, ConsoleLogForwarder.parse(" info "));
        assertEquals(LogLevel.WARN, ConsoleLogForwarder.parse("loud"));
    }

    private static LogEntry entry(String message, Throwable failure) {
        return new LogEntry() {
            @Override public Bundle getBundle() { return null; }
            @Override public ServiceReference<?> getServiceReference() { return null; }
            @SuppressWarnings("deprecation") @Override public int getLevel() { return 1; }
            @Override public String getMessage() { return message; }
            @Override public Throwable getException() { return failure; }
            @Override public long getTime() { return 0; }
            @Override public LogLevel getLogLevel() { return LogLevel.ERROR; }
            @Override public String getLoggerName() { return "LogService"; }
            @Override public long getSequence() { return 1; }
            @Override public String getThreadInfo() { return "main"; }
            @Override public StackTraceElement getLocation() { return null; }
        };
    }
}
