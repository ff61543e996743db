package io.safealloc.benchmarks;

/** JVM flags for the benchmark forks (annotation constants). */
final class Jvm {

    /** FFM downcalls are restricted methods: without this every fork warns (or fails). */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** Arrow's MemoryUtil reads java.nio.Buffer.address reflectively. */
    static final String OPEN_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";

    /**
     * arrow-memory-unsafe allocates with sun.misc.Unsafe: JDK 24+ warns on first use unless allowed
     * (allowing changes nothing else).
     */
    static final String ALLOW_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    private Jvm() {
    }
}
