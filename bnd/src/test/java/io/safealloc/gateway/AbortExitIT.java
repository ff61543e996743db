package io.safealloc.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The production default, end to end: no handler installed, an allocation over the budget is logged
 * as {@code Memory allocation error for N bytes}, the framework stops gracefully (every bundle gets
 * its normal stop) and the process exits with the configured {@code abortExitCode}.
 */
class AbortExitIT {

    private static final int EXIT_CODE = 77; // not the default 70: proves the configuration is used

    @Test
    void allocationOverTheBudgetStopsTheFrameworkAndExitsWithTheAbortCode() throws Exception {
        Path work = GatewayProcess.workFolder("abort");
        Path config = GatewayConfig.named("abort").allocator(1 << 20, EXIT_CODE).leakyDemo(2).bannerWaitsFor(0)
                .writeTo(work);
        try (GatewayProcess gateway = GatewayProcess.start(work.resolve("storage"), List.of(config), false)) {
            assertEquals("budget 1.0 MiB (warn at 85 %), handlers: none", gateway.awaitReady());

            gateway.send("mem:alloc --drill 2m");

            gateway.awaitLine("Memory allocation error for 2097152 bytes.*LIMIT");
            gateway.awaitLine("stopping the OSGi framework and exiting with code " + EXIT_CODE);
            // The graceful stop ran: the demo bundle was stopped normally, and so released the
            // blocks its leaky component held (the allocator reports them when the bundle stops).
            gateway.awaitLine("leaky: stopped, 2 blocks");
            gateway.awaitLine("io\\.safealloc\\.demo \\[\\d+\\] stopped holding 2 allocations \\(8192 bytes");
            assertEquals(EXIT_CODE, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
            assertTrue(gateway.transcript().stream().noneMatch(line -> line.startsWith("\tat ")),
                    () -> "no stack trace expected:\n" + gateway.transcriptText());
            // Issue 12, item 14: the shell must not be stopped while the aborted command still runs.
            assertTrue(gateway.transcript().stream().noneMatch(line -> line.contains("InterruptedException")),
                    () -> "no stray InterruptedException expected:\n" + gateway.transcriptText());
        }
    }
}
