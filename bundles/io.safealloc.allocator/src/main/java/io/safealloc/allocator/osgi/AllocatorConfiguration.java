package io.safealloc.allocator.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

import io.safealloc.api.AllocatorConstants;

/**
 * The metatype of PID {@value AllocatorConstants#PID}; the id equals the PID so that tools that
 * look metatype up by PID (Kura, the Felix web console) find it. The component reads the properties itself ({@link Settings}), so that a value of the
 * wrong type is a message, not a failed activation; sizes are text so that tools offer units.
 */
@ObjectClassDefinition(id = AllocatorConstants.PID, name = "SafeAlloc allocator",
        description = "Budget and recovery policy of the checked native-memory allocator")
public @interface AllocatorConfiguration {

    @AttributeDefinition(description = "Global budget for all bundles together, in bytes or with a unit "
            + "(64m, 1g); 0 = no limit")
    String limit() default "0";

    @AttributeDefinition(min = "1", max = "100",
            description = "A WARNING event is raised when usage crosses this percentage of the limit upward")
    int warnPercent() default 85;

    @AttributeDefinition(description = "Largest single allocation, in bytes or with a unit (1m); bigger ones are "
            + "TOO_BIG; 0 = no cap")
    String maxAllocation() default "0";

    @AttributeDefinition(min = "0", max = "100", description = "How many RETRY decisions one call honours")
    int maxRetries() default 3;

    @AttributeDefinition(description = "Decision of the default handler when no MemHandler decides",
            options = {@Option(label = "ABORT: stop the framework and exit (production)", value = "ABORT"),
                    @Option(label = "FAIL: throw MemoryAllocationException (development)", value = "FAIL")})
    String defaultRecovery() default "ABORT";

    @AttributeDefinition(min = "1", max = "255", description = "Process exit code after an ABORT")
    int abortExitCode() default 70;

    @AttributeDefinition(description = "FAST (default) or CHECKED: every segment tied to its own lifetime, so "
            + "use after free and stale frees fail cleanly even when the address was reused (slower; for tests, "
            + "staging and debugging)",
            options = {@Option(label = "FAST", value = "FAST"), @Option(label = "CHECKED", value = "CHECKED")})
    String safety() default "FAST";

    @AttributeDefinition(min = "1",
            description = "Seconds the framework may take to stop after an ABORT before the process is ended anyway")
    int abortTimeoutSeconds() default 10;
}
