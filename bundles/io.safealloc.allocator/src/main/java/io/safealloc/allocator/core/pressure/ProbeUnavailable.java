package io.safealloc.allocator.core.pressure;

/**
 * A pressure source cannot be measured: a file is missing, unreadable or garbled, the JVM has no
 * such memory pool. The message is the one line an operator reads; the source is switched off.
 */
public final class ProbeUnavailable extends Exception {

    private static final long serialVersionUID = 1L;

    public ProbeUnavailable(String message) {
        super(message, null, false, false);
    }
}
