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
            + "(64m, 1g); 0 = no limit; auto = the container's memory limit (or the physical memory) minus the "
            + "maximum heap, the maximum direct memory and autoLimitReserve, recomputed when the container limit changes")
    String limit() default "0";

    @AttributeDefinition(description = "With limit=auto: bytes left for everything else (thread stacks, code, "
            + "metaspace, libc), in bytes or with a unit")
    String autoLimitReserve() default "64m";

    @AttributeDefinition(description = "Whole-process memory pressure sources to measure, comma-separated: heap, "
            + "direct, container, system; none = off (no thread). Each crossing of a level is a PRESSURE event "
            + "for the MemHandlers")
    String pressureSources() default "none";

    @AttributeDefinition(min = "10", max = "3600000",
            description = "Milliseconds between two measurements of the polled sources (direct, container, system); "
            + "the heap is measured on the JVM's notifications")
    int pressureIntervalMillis() default 1000;

    @AttributeDefinition(description = "Directory under which /proc and /sys/fs/cgroup are read (/ but for tests)")
    String pressureRoot() default "/";

    @AttributeDefinition(description = "Default handler's decision when a source rises to CRITICAL",
            options = {@Option(label = "DEFER: log only", value = "DEFER"),
                    @Option(label = "ABORT: stop the framework and exit with abortExitCode", value = "ABORT")})
    String pressureRecovery() default "DEFER";

    @AttributeDefinition(min = "0", max = "99",
            description = "Percentage points a figure must fall below a threshold to leave its level")
    int pressureHysteresisPercent() default 5;

    @AttributeDefinition(min = "1", max = "100", description = "While container pressure is HIGH or CRITICAL, "
            + "the limit in force is this percentage of the configured one (100 = no shrink)")
    int pressureShrinkPercent() default 100;

    @AttributeDefinition(min = "1", max = "100", description = "Heap pressure HIGH from this % of the heap (old generation)")
    int heapHighPercent() default 85;

    @AttributeDefinition(min = "1", max = "100", description = "Heap pressure CRITICAL from this %")
    int heapCriticalPercent() default 95;

    @AttributeDefinition(min = "1", max = "100", description = "Direct buffer pressure HIGH from this % of the maximum direct memory")
    int directHighPercent() default 85;

    @AttributeDefinition(min = "1", max = "100", description = "Direct buffer pressure CRITICAL from this %")
    int directCriticalPercent() default 95;

    @AttributeDefinition(min = "1", max = "100", description = "Container pressure HIGH from this % of the cgroup's memory limit")
    int containerHighPercent() default 85;

    @AttributeDefinition(min = "1", max = "100", description = "Container pressure CRITICAL from this %")
    int containerCriticalPercent() default 95;

    @AttributeDefinition(min = "1", max = "100", description = "System pressure HIGH from this % of MemTotal not available")
    int systemHighPercent() default 90;

    @AttributeDefinition(min = "1", max = "100", description = "System pressure CRITICAL from this %")
    int systemCriticalPercent() default 97;

    @AttributeDefinition(description = "System pressure at least HIGH from this PSI memory 'some avg10' (%)")
    double psiSomeHighPercent() default 20;

    @AttributeDefinition(description = "System pressure CRITICAL from this PSI memory 'full avg10' (%)")
    double psiFullCriticalPercent() default 10;

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
