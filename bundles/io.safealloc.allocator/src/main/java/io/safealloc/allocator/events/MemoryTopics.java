package io.safealloc.allocator.events;

/** Event Admin topics and property names of the allocator's events (documented in the README). */
final class MemoryTopics {

    /** Topic prefix; the cause ({@code WARNING}, {@code LIMIT}, {@code FAIL}, {@code TOO_BIG}), {@code LEAK} or {@code ABORT} follows. */
    static final String PREFIX = "io/safealloc/Memory/";
    static final String LEAK = PREFIX + "LEAK";
    static final String ABORT = PREFIX + "ABORT";

    static final String CAUSE = "cause";
    static final String SIZE = "size";
    static final String BYTES_IN_USE = "bytesInUse";
    static final String LIMIT = "limit";
    static final String BUDGET = "budget";
    static final String ATTEMPT = "attempt";
    static final String DECISION = "decision";
    static final String BUNDLE_ID = "bundle.id";
    static final String BUNDLE_NAME = "bundle.symbolicName";
    static final String COUNT = "count";
    static final String BYTES = "bytes";
    static final String EXIT_CODE = "exitCode";

    private MemoryTopics() {
    }
}
