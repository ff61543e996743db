package io.safealloc.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The crash-loop guard across real process restarts: with {@code maxAborts} 2, two aborts end the
 * process; the third over-budget allocation within the window FAILs instead, and the gateway stays
 * up in degraded mode. The guard keeps the abort times in its bundle's data area, so every run uses
 * the same framework storage.
 */
class CrashLoopGuardIT {

    private static final int EXIT_CODE = 77;

    @Test
    void theAbortAfterMaxAbortsWithinTheWindowBecomesFailAndTheGatewayStaysUp() throws Exception {
        Path work = GatewayProcess.workFolder("guard");
        Path storage = work.resolve("storage");
        Path config = GatewayConfig.named("guard").allocator(1 << 20, EXIT_CODE)
                .pid("io.safealloc.handlers.guard", "service.ranking:Integer", 1000, "maxAborts:Integer", 2,
                        "windowMinutes:Integer", 10)
                .bannerWaitsFor(1).writeTo(work);

        for (int run = 1; run <= 2; run++) {
            try (GatewayProcess gateway = GatewayProcess.start(storage, List.of(config), false)) {
                gateway.awaitLine("crash-loop guard: ranking 1000.*; " + (run - 1) + " recorded within the window");
                gateway.awaitReady();
                gateway.send("mem:alloc --drill 2m");
                gateway.awaitLine("Memory allocation error for 2097152 bytes");
                assertEquals(EXIT_CODE, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
            }
        }

        try (GatewayProcess gateway = GatewayProcess.start(storage, List.of(config), false)) {
            gateway.awaitLine("crash-loop guard: ranking 1000.*; 2 recorded within the window");
            gateway.awaitReady();
            gateway.send("mem:alloc --drill 2m");
            gateway.awaitLine("crash-loop guard: 2 aborts/restarts within the last 10 min \\(allowed: 2\\): degraded mode");
            gateway.awaitLine("mem:alloc failed: LIMIT .*decision FAIL");

            // Still up and serving: the failure was counted, nothing was allocated.
            gateway.send("mem:stats");
            gateway.awaitLine("failures WARNING=0 LIMIT=1 FAIL=0 TOO_BIG=0");
            assertTrue(gateway.isAlive());

            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
        }
    }
}
