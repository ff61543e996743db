package io.safealloc.handlers.guard;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.safealloc.api.MemoryEvents;

/** Configuration of PID {@value CrashLoopGuardHandler#PID}; the guard is active only while it exists. */
@ObjectClassDefinition(id = CrashLoopGuardHandler.PID, name = "SafeAlloc crash-loop guard",
        description = "Counts aborts and restarts (" + MemoryEvents.ABORT + " events) across restarts; once "
                + "maxAborts happened within windowMinutes, LIMIT, FAIL, TOO_BIG and PRESSURE are decided FAIL "
                + "(degraded mode) instead of aborting again")
public @interface GuardConfiguration {

    @AttributeDefinition(name = "service.ranking",
            description = "Position in the handler chain (highest first); must be an Integer. "
                    + "Above every handler that may abort or restart")
    int service_ranking() default CrashLoopGuardHandler.DEFAULT_RANKING;

    @AttributeDefinition(min = "1", description = "Aborts/restarts allowed within the window; the next one becomes FAIL")
    int maxAborts() default 3;

    @AttributeDefinition(min = "1", description = "The sliding window, in minutes")
    int windowMinutes() default 10;
}
