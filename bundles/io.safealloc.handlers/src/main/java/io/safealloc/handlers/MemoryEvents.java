package io.safealloc.handlers;

import java.util.HashMap;
import java.util.Map;

import io.safealloc.api.MemEvent;

/**
 * The Event Admin vocabulary the handlers share with the allocator: topics and property names, as
 * the allocator publishes them (README, "Event Admin"). Kept here as constants because the
 * allocator's own constants are private to its bundle; the names are the published contract.
 *
 * <p>Stateless; thread-safe.
 */
public final class MemoryEvents {

    /** Topic prefix of every SafeAlloc event. */
    public static final String PREFIX = "io/safealloc/Memory/";
    /** Sent synchronously before the framework goes down: by the allocator (ABORT) and by the restart handler. */
    public static final String ABORT = PREFIX + "ABORT";
    /** Posted by the crash-loop guard when it enters degraded mode. */
    public static final String DEGRADED = PREFIX + "DEGRADED";

    public static final String CAUSE = "cause";
    public static final String SIZE = "size";
    public static final String BYTES_IN_USE = "bytesInUse";
    public static final String LIMIT = "limit";
    public static final String BUDGET = "budget";
    public static final String ATTEMPT = "attempt";
    public static final String BUNDLE_ID = "bundle.id";
    public static final String BUNDLE_NAME = "bundle.symbolicName";
    /** On an ABORT event sent by a handler: what it does instead of ending the process ({@code restart}). */
    public static final String ACTION = "action";

    private MemoryEvents() {
    }

    /**
     * @return the figures of {@code event} under the allocator's property names, in a fresh mutable
     *     map the caller may add to
     */
    public static Map<String, Object> figures(MemEvent event) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(CAUSE, event.cause().name());
        properties.put(SIZE, event.size());
        properties.put(BYTES_IN_USE, event.bytesInUse());
        properties.put(LIMIT, event.limit());
        properties.put(BUDGET, event.budget().name());
        properties.put(ATTEMPT, event.attempt());
        properties.put(BUNDLE_ID, event.bundleId());
        properties.put(BUNDLE_NAME, event.bundleName());
        return properties;
    }
}
