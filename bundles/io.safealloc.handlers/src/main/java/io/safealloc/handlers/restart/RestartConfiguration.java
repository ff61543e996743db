package io.safealloc.handlers.restart;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of PID {@value RestartHandler#PID}; the handler is registered only while it exists. */
@ObjectClassDefinition(id = RestartHandler.PID, name = "SafeAlloc restart handler",
        description = "On LIMIT, FAIL or TOO_BIG: announce an ABORT (action=restart) and restart the OSGi "
                + "framework in place instead of ending the process; the call FAILs")
public @interface RestartConfiguration {

    @AttributeDefinition(name = "service.ranking",
            description = "Position in the handler chain (highest first); must be an Integer. "
                    + "Below every other handler: it replaces the default ABORT")
    int service_ranking() default RestartHandler.DEFAULT_RANKING;
}
