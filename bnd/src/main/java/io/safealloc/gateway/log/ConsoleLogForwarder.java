package io.safealloc.gateway.log;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * The console backend of the OSGi Log Service: copies every entry at or above a threshold to
 * {@code System.getLogger}, where the SafeAlloc bundles log too, so that the framework services
 * (SCR, Config Admin, the Configurator, Event Admin), which log through the Log Service, show up on
 * the console in the same one-line format. Without it their errors (a component that failed to
 * activate, a configuration file that could not be read) would only sit in the Log Service's memory.
 *
 * <p>The threshold is the framework property {@value #LEVEL_PROPERTY} ({@code ERROR}, {@code WARN},
 * {@code INFO}, {@code DEBUG}, {@code TRACE}; default {@code WARN}). A throwable is shown as one
 * line ({@code Throwable.toString()}), never as a stack trace. The Log Service's own logger
 * levels (LoggerAdmin, {@code WARN} by default for the root context) decide what is logged at all.
 *
 * <p>Entries logged before the component came up (the Log Service keeps the latest ones) are
 * forwarded once at activation, so that the errors of an early start are not lost.
 *
 * <p>Thread-safety: {@link #logged} is called by the Log Service on its delivery thread, possibly
 * while the constructor replays earlier entries; the sequence numbers keep each entry forwarded once.
 */
@Component(immediate = true, service = {})
public class ConsoleLogForwarder implements LogListener {

    /** Framework property: the lowest level copied to the console. */
    public static final String LEVEL_PROPERTY = "safealloc.log.osgiLevel";

    private final LogReaderService reader;
    private final LogLevel threshold;
    /** Sequence number of the first entry that reached {@link #logged}; older ones are replayed. */
    private final AtomicLong firstLive = new AtomicLong(Long.MAX_VALUE);

    /**
     * Starts forwarding, and first forwards what was logged before this component came up (the Log
     * Service keeps the latest entries), each entry once.
     */
    @Activate
    public ConsoleLogForwarder(@Reference LogReaderService reader, BundleContext context) {
        this.reader = reader;
        this.threshold = parse(context.getProperty(LEVEL_PROPERTY));
        reader.addLogListener(this);
        List<LogEntry> earlier = Collections.list(reader.getLog()); // newest first
        Collections.reverse(earlier);
        for (LogEntry entry : earlier) {
            if (entry.getSequence() < firstLive.get()) {
                forward(entry);
            }
        }
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        firstLive.accumulateAndGet(entry.getSequence(), Math::min);
        forward(entry);
    }

    private void forward(LogEntry entry) {
        LogLevel level = entry.getLogLevel();
        if (level != LogLevel.AUDIT && !threshold.implies(level)) {
            return;
        }
        System.getLogger(loggerName(entry)).log(toSystemLevel(level), line(entry));
    }

    static String line(LogEntry entry) {
        Throwable failure = entry.getException();
        return failure == null ? entry.getMessage() : entry.getMessage() + ": " + failure;
    }

    /** The bundle's symbolic name where the entry has no logger name of its own (Log Service 1.3 calls). */
    private static String loggerName(LogEntry entry) {
        String name = entry.getLoggerName();
        Bundle bundle = entry.getBundle();
        if ((name == null || name.equals("LogService") || name.startsWith("LogService.")) && bundle != null
                && bundle.getSymbolicName() != null) {
            return bundle.getSymbolicName();
        }
        return name == null ? "osgi" : name;
    }

    private static final Map<LogLevel, Level> LEVELS = Map.of(
            LogLevel.AUDIT, Level.INFO, LogLevel.ERROR, Level.ERROR, LogLevel.WARN, Level.WARNING,
            LogLevel.INFO, Level.INFO, LogLevel.DEBUG, Level.DEBUG, LogLevel.TRACE, Level.TRACE);

    static Level toSystemLevel(LogLevel level) {
        return LEVELS.getOrDefault(level, Level.INFO);
    }

    static LogLevel parse(String text) {
        if (text == null || text.isBlank()) {
            return LogLevel.WARN;
        }
        try {
            return LogLevel.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.getLogger(ConsoleLogForwarder.class.getName()).log(Level.WARNING,
                    "{0}={1} is not a log level (ERROR, WARN, INFO, DEBUG, TRACE): WARN used", LEVEL_PROPERTY, text);
            return LogLevel.WARN;
        }
    }
}
