package io.safealloc.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;

/**
 * The {@code mem:} commands against a running gateway with the embedded defaults (the checked-in
 * gateway-defaults.json) and the leaky demo switched on: what the commands show, the leak released
 * when the demo bundle is stopped from the shell, and a budget changed live through Config Admin
 * that survives a restart of the process.
 */
class ShellCommandsIT {

    @Test
    void statsHandlersLeaksAndStoppingTheLeakyBundle() throws Exception {
        Path work = GatewayProcess.workFolder("shell");
        Path demo = GatewayConfig.named("demo").leakyDemo(3).writeTo(work);
        try (GatewayProcess gateway = GatewayProcess.start(work.resolve("storage"),
                List.of(GatewayProcess.DEFAULTS, demo), false)) {
            String ready = gateway.awaitReady();
            assertTrue(ready.matches(GatewayProcess.AUTO_BUDGET
                    + " \\(warn at 85 %\\), handlers: crash-loop-guard\\(1000\\), audit\\(900\\), gc\\(100\\)"), ready);

            gateway.send("mem:stats");
            gateway.awaitLine("global: in use 12.0 KiB .*limit \\d+\\.\\d [MGT]iB \\(\\d+ bytes\\), warning at .* 85 %\\)");
            Matcher demoRow = gateway.awaitLine("^io\\.safealloc\\.demo +(\\d+) +12\\.0 KiB");
            String demoId = demoRow.group(1);

            gateway.send("mem:handlers");
            gateway.awaitLine("^1 +1000 .*crash-loop-guard");
            gateway.awaitLine("^2 +900 .*audit");
            gateway.awaitLine("^3 +100 .*gc");
            gateway.awaitLine("then: default handler");

            gateway.send("mem:leaks");
            gateway.awaitLine("^io\\.safealloc\\.demo +" + demoId + " +3 ");
            gateway.awaitLine("total: 3 allocations");

            gateway.send("stop " + demoId);
            gateway.awaitLine("io\\.safealloc\\.demo \\[" + demoId + "\\] stopped holding 3 allocations \\(12288 bytes");
            gateway.send("mem:leaks");
            gateway.awaitLine("no live allocations");

            gateway.send("mem:alloc lots");
            gateway.awaitLine("mem:alloc: .*; usage: mem:alloc \\[--drill\\] <size>");

            List<String> beforeStop = gateway.transcript();
            assertTrue(beforeStop.stream().noneMatch(line -> line.contains("Exception")),
                    () -> "no exception expected:\n" + gateway.transcriptText());

            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
        }
    }

    @Test
    void aBudgetSetLiveWithMemLimitIsPersistedAcrossRestarts() throws Exception {
        Path work = GatewayProcess.workFolder("limit");
        Path storage = work.resolve("storage");
        try (GatewayProcess gateway = GatewayProcess.start(storage, List.of(), false)) {
            gateway.awaitReady();
            gateway.send("mem:limit 32m");
            gateway.awaitLine("limit set to .* applied");
            gateway.send("mem:stats");
            gateway.awaitLine("limit 32.0 MiB \\(33554432 bytes\\)");
            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
        }
        // Same storage, the embedded defaults again: the operator's change is kept (a --config file
        // that sets the limit would win over it: ConfigurationPrecedenceIT).
        try (GatewayProcess gateway = GatewayProcess.start(storage, List.of(), false)) {
            assertTrue(gateway.awaitReady().startsWith("budget 32.0 MiB (warn at 85 %)"), gateway::transcriptText);
            gateway.send("stop 0");
            assertEquals(0, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
        }
    }
}
