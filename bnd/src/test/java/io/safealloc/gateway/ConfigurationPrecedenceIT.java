package io.safealloc.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Which configuration wins (issue 12, item 11), with real gateways started one after the other on
 * the same framework storage, as an operator does: the README's run command, then its demo command,
 * then the run command again, with a budget changed by {@code mem:limit} in between. Each start says
 * where each allocator value came from, before the ready line.
 */
class ConfigurationPrecedenceIT {

    /** The README's demo configuration, as checked in. */
    private static final Path DEMO = Path.of(System.getProperty("safealloc.gateway.demo", "../docs/gateway-demo.json"))
            .toAbsolutePath().normalize();

    @Test
    void theConfigFileWinsWhileGivenRuntimeChangesStayAndTheDefaultsComeBackWithoutTheFile() throws Exception {
        Path storage = GatewayProcess.workFolder("precedence").resolve("storage");
        String demo = "--config " + DEMO;

        // The README's run command: the embedded defaults.
        startAndStop(storage, List.of(), "allocator settings: limit auto, .*\\(from embedded defaults\\)$",
                GatewayProcess.AUTO_BUDGET);
        // Then its demo command: the demo's 8 MiB, not the auto budget the storage holds.
        startAndStop(storage, List.of(DEMO), "allocator settings: limit 8\\.0 MiB, .*\\(from " + quote(demo) + "\\)",
                "budget 8.0 MiB");
        // The run command again: the defaults come back, not the demo's 8 MiB.
        try (GatewayProcess gateway = GatewayProcess.start(storage, List.of(), false)) {
            gateway.awaitLine("allocator settings: limit auto, .*\\(from embedded defaults\\)$");
            assertTrue(budget(gateway.awaitReady()).matches(GatewayProcess.AUTO_BUDGET));
            gateway.send("mem:limit 32m");
            gateway.awaitLine("32\\.0 MiB");
            stop(gateway);
        }
        // A budget set at runtime stays across restarts without --config, and says so...
        startAndStop(storage, List.of(), "allocator settings: limit 32\\.0 MiB \\(set at runtime \\(mem:limit or Config "
                + "Admin\\), kept\\); .*\\(from embedded defaults\\)$", "budget 32.0 MiB");
        // ...and a file given with --config wins over it.
        startAndStop(storage, List.of(DEMO), "allocator settings: limit 8\\.0 MiB, .*\\(from " + quote(demo) + "\\)",
                "budget 8.0 MiB");
    }

    private static void startAndStop(Path storage, List<Path> configs, String settingsLine, String budget)
            throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(storage, configs, false)) {
            gateway.awaitLine(settingsLine);
            String shown = budget(gateway.awaitReady());
            assertTrue(shown.matches(budget.replace(".0 MiB", "\\.0 MiB")), () -> shown + "\n" + gateway.transcriptText());
            stop(gateway);
        }
    }

    private static void stop(GatewayProcess gateway) throws Exception {
        gateway.send("stop 0");
        assertEquals(0, gateway.awaitExit(Duration.ofSeconds(30)), gateway::transcriptText);
    }

    /** "budget 8.0 MiB (warn at 85 %), handlers: ..." gives "budget 8.0 MiB". */
    private static String budget(String ready) {
        return ready.substring(0, ready.indexOf(" (warn"));
    }

    private static String quote(String text) {
        return java.util.regex.Pattern.quote(text);
    }
}
