package io.safealloc.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The {@code restart} handler with the real launcher: an allocation over the budget restarts the
 * OSGi framework in place (system bundle update) and the process stays alive: the gateway becomes
 * ready a second time, with a fresh allocator, and the shell still reads commands.
 */
class RestartInPlaceIT {

    @Test
    void theRestartHandlerRestartsTheFrameworkAndTheProcessStaysAlive() throws Exception {
        Path work = GatewayProcess.workFolder("restart");
        Path config = GatewayConfig.named("restart").allocator(1 << 20, 77).leakyDemo(1)
                .pid("io.safealloc.handlers.restart", "service.ranking:Integer", -100)
                .bannerWaitsFor(1).writeTo(work);
        try (GatewayProcess gateway = GatewayProcess.start(work.resolve("storage"), List.of(config), false)) {
            assertEquals("budget 1.0 MiB (warn at 85 %), handlers: restart(-100)", gateway.awaitReady());
            long pid = gateway.handle().pid();

            gateway.send("mem:alloc --drill 2m");
            gateway.awaitLine("Memory allocation error for 2097152 bytes .*restarting the OSGi framework");
            gateway.awaitLine("io\\.safealloc\\.demo \\[\\d+\\] stopped holding 1 allocations"); // the normal stop
            gateway.awaitLine("OSGi framework restarting in place");
            assertEquals("budget 1.0 MiB (warn at 85 %), handlers: restart(-100)", gateway.awaitReady());

            // The same process, a restarted framework: the demo leaked its one block again.
            assertTrue(gateway.isAlive());
            assertEquals(pid, gateway.handle().pid());
            // The stopped shell's input thread may still take one key from stdin: give it a blank line.
            gateway.send("");
            gateway.send("mem:stats");
            gateway.awaitLine("global: in use 4.0 KiB .*limit 1.0 MiB");

            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
        }
    }
}
