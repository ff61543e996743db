package io.safealloc.api;

/**
 * Where whole-process memory pressure is measured (see {@link Cause#PRESSURE}).
 *
 * <p>Enum constants may be added in a minor version: handlers should treat an unknown source as they
 * treat {@link #SYSTEM}, or return {@link Recovery#DEFER}.
 *
 * @since 1.1
 */
public enum PressureSource {
    /** The Java heap: the heap memory pools' usage against their maximum, as the JVM reports it. */
    HEAP,
    /** Direct buffers ({@code ByteBuffer.allocateDirect}) against the JVM's maximum direct memory. */
    DIRECT,
    /** The container's memory (cgroup v2 {@code memory.current} / {@code memory.max}, or cgroup v1). */
    CONTAINER,
    /** The whole machine: {@code /proc/meminfo} {@code MemAvailable} and Linux PSI, where present. */
    SYSTEM
}
