package io.safealloc.handlers.audit;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration of PID {@value AuditHandler#PID}; the handler is registered only while it exists. */
@ObjectClassDefinition(id = AuditHandler.PID, name = "SafeAlloc audit handler",
        description = "Logs every memory event with its figures and top holders, then DEFERs")
public @interface AuditConfiguration {

    @AttributeDefinition(name = "service.ranking",
            description = "Position in the handler chain (highest first); must be an Integer. "
                    + "Above every deciding handler it sees every event")
    int service_ranking() default AuditHandler.DEFAULT_RANKING;

    @AttributeDefinition(description = "System.Logger level of the lines (logger io.safealloc.handlers.audit)",
            options = {@Option(value = "TRACE"), @Option(value = "DEBUG"), @Option(value = "INFO"),
                    @Option(value = "WARNING"), @Option(value = "ERROR"), @Option(value = "OFF")})
    String level() default "INFO";
}
