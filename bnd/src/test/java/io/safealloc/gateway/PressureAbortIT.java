package io.safealloc.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.safealloc.api.AllocatorConstants;

/**
 * Heap pressure ends the gateway gracefully, end to end: with {@code pressureRecovery=ABORT} and
 * heap thresholds the gateway's own heap already passes at start (1 / 2 %), the first heap
 * measurement is a CRITICAL crossing, the default handler decides ABORT, the framework stops (the
 * demo bundle's normal stop releases what it held) and the process exits with {@code abortExitCode}.
 */
class PressureAbortIT {

    private static final int EXIT_CODE = 78;

    @Test
    void criticalHeapPressureWithPressureRecoveryAbortStopsTheFrameworkWithTheExitCode() throws Exception {
        Path work = GatewayProcess.workFolder("pressure-abort");
        Path config = GatewayConfig.named("pressure-abort")
                .pid(AllocatorConstants.PID, AllocatorConstants.LIMIT, "1m",
                        AllocatorConstants.ABORT_EXIT_CODE + ":Integer", EXIT_CODE,
                        AllocatorConstants.PRESSURE_SOURCES, "heap",
                        AllocatorConstants.HEAP_HIGH_PERCENT + ":Integer", 1,
                        AllocatorConstants.HEAP_CRITICAL_PERCENT + ":Integer", 2,
                        AllocatorConstants.PRESSURE_HYSTERESIS_PERCENT + ":Integer", 0,
                        AllocatorConstants.PRESSURE_RECOVERY, "ABORT")
                .leakyDemo(2).bannerWaitsFor(0).writeTo(work);
        try (GatewayProcess gateway = GatewayProcess.start(work.resolve("storage"), List.of(config), false)) {
            gateway.awaitLine("Memory pressure: HEAP NORMAL -> CRITICAL .*; default decision ABORT");
            gateway.awaitLine("Memory pressure HEAP CRITICAL: aborting, exit code " + EXIT_CODE);
            gateway.awaitLine("stopping the OSGi framework and exiting with code " + EXIT_CODE);
            assertEquals(EXIT_CODE, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
            assertTrue(gateway.transcript().stream().noneMatch(line -> line.startsWith("\tat ")),
                    () -> "no stack trace expected:\n" + gateway.transcriptText());
        }
    }
}
