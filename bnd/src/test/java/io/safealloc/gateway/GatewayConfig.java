package io.safealloc.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.gateway.banner.ReadyBanner;

/**
 * Writes an OSGi Configurator JSON file for a test, as an operator would: one object per PID, typed
 * keys ({@code "limit:Long"}). Values: numbers and booleans as they are, anything else as a string.
 * Not thread-safe.
 */
final class GatewayConfig {

    private final String name;
    private final Map<String, Map<String, Object>> pids = new LinkedHashMap<>();

    private GatewayConfig(String name) {
        this.name = name;
    }

    static GatewayConfig named(String name) {
        return new GatewayConfig(name);
    }

    /** @param keysAndValues key, value, key, value, ... */
    GatewayConfig pid(String pid, Object... keysAndValues) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        pids.put(pid, properties);
        return this;
    }

    /** Allocator: this budget, no warning noise, ABORT ends the process with {@code exitCode}. */
    GatewayConfig allocator(long limit, int exitCode) {
        return pid(AllocatorConstants.PID, AllocatorConstants.LIMIT + ":Long", limit,
                AllocatorConstants.ABORT_EXIT_CODE + ":Integer", exitCode, AllocatorConstants.DEFAULT_RECOVERY, "ABORT",
                AllocatorConstants.ABORT_TIMEOUT_SECONDS + ":Integer", 10);
    }

    /** Demo: the leaky component leaks {@code blocks} blocks of 4 KiB at start, then nothing more. */
    GatewayConfig leakyDemo(int blocks) {
        return pid("io.safealloc.demo.leaky", "leakCount:Integer", blocks, "leakBytesPerSecond:Long", 0,
                "leakSize:Integer", 4096);
    }

    /** The start-up banner waits for this many handlers. */
    GatewayConfig bannerWaitsFor(int handlers) {
        return pid(ReadyBanner.PID, "expectedHandlers:Integer", handlers, "waitSeconds:Integer", 5);
    }

    Path writeTo(Path folder) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \":configurator:symbolic-name\": \"").append(name)
                .append("\",\n  \":configurator:version\": \"1.0.0\"");
        for (Map.Entry<String, Map<String, Object>> pid : pids.entrySet()) {
            json.append(",\n  \"").append(pid.getKey()).append("\": {")
                    .append(pid.getValue().entrySet().stream()
                            .map(e -> "\"" + e.getKey() + "\": " + literal(e.getValue()))
                            .collect(Collectors.joining(", ")))
                    .append('}');
        }
        json.append("\n}\n");
        Path file = folder.resolve(name + ".json");
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    private static String literal(Object value) {
        return value instanceof Number || value instanceof Boolean ? value.toString() : "\"" + value + "\"";
    }
}
