package io.safealloc.allocator.core.pressure;

import io.safealloc.api.PressureSource;

/**
 * Measures one {@link PressureSource}. Called on the pressure monitor's thread only.
 */
public interface Probe {

    PressureSource source();

    /**
     * @throws ProbeUnavailable when the source cannot be measured (the monitor switches it off with
     *     that message)
     */
    Measurement measure() throws ProbeUnavailable;

    /** Releases what the probe registered (JVM listeners); idempotent. */
    default void close() {
    }
}
