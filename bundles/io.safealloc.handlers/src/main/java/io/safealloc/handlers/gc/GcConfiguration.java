package io.safealloc.handlers.gc;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@value GcHandler#PID}; the handler is registered only while it exists. */
@ObjectClassDefinition(id = GcHandler.PID, name = "SafeAlloc gc handler",
        description = "On LIMIT or FAIL: request a GC and wait, with bounded back-off, for Cleaners to "
                + "return native memory; RETRY when it came back, DEFER otherwise")
public @interface GcConfiguration {

    @AttributeDefinition(name = "service.ranking",
            description = "Position in the handler chain (highest first); must be an Integer")
    int service_ranking() default GcHandler.DEFAULT_RANKING;

    @AttributeDefinition(min = "1", description = "First pause after the GC request, in ms; each next pause doubles")
    long initialWaitMillis() default 5;

    @AttributeDefinition(min = "0", description = "Total of the pauses for one event, in ms")
    long maxWaitMillis() default 500;
}
