package io.safealloc.itests;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Catches what a {@code System.Logger} writes, inside OSGi: without a LoggerFinder of its own the
 * JDK backs System.Logger with java.util.logging, so a JUL handler on the same name sees every line
 * an operator would read. Close it to detach.
 */
final class LogRecords extends Handler implements AutoCloseable {

    private final Logger logger;
    final List<String> lines = new CopyOnWriteArrayList<>();

    LogRecords(String name) {
        logger = Logger.getLogger(name);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        String message = record.getMessage();
        if (record.getParameters() != null && record.getParameters().length > 0) {
            message = java.text.MessageFormat.format(message, record.getParameters());
        }
        lines.add(record.getLevel() + " " + message);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
