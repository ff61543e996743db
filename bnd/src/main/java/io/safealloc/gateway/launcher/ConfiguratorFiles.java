package io.safealloc.gateway.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a configuration file given to the gateway before the framework starts. The OSGi
 * Configurator ignores a JSON file without its {@code :configurator:} header keys ("Invalid JSON",
 * then nothing configured), and a gateway started that way runs with no budget and no handlers
 * while it looks healthy: so the gateway refuses to start and says what is missing.
 *
 * <p>Stateless; thread-safe.
 */
final class ConfiguratorFiles {

    /** The header keys the Configurator requires in every resource of a resource given from outside a bundle (OSGi Compendium 150.4; {@code :configurator:resource-version} defaults to 1). */
    static final List<String> REQUIRED_KEYS = List.of(":configurator:symbolic-name", ":configurator:version");

    private ConfiguratorFiles() {
    }

    /**
     * @param initial the {@code configurator.initial} value: JSON text, or comma-separated URLs
     * @throws IllegalArgumentException naming the file and the keys it lacks, or why it cannot be read
     */
    static void check(String initial) {
        String trimmed = initial.trim();
        if (trimmed.startsWith("{")) {
            checkText("the configurator.initial text", trimmed);
            return;
        }
        for (String location : trimmed.split(",")) {
            if (!location.isBlank()) {
                checkText(location.trim(), read(location.trim()));
            }
        }
    }

    private static void checkText(String where, String json) {
        List<String> missing = new ArrayList<>();
        for (String key : REQUIRED_KEYS) {
            if (!json.contains("\"" + key + "\"")) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(where + " is not an OSGi Configurator file: it lacks "
                    + String.join(" and ", missing) + " (see docs/gateway.md, \"Configuration\"); a gateway started "
                    + "with it would run with no budget and no handlers, so it does not start");
        }
    }

    private static String read(String location) {
        try (InputStream in = new URI(location).toURL().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the configuration " + location + " cannot be read: " + e.getMessage());
        }
    }
}
