package io.safealloc.gateway.config;

import java.net.URI;

/** The names of the places a configuration value can come from, as the start line shows them. */
final class Sources {

    /** Set through Config Admin ({@code mem:limit} or any client) after a start: kept across restarts. */
    static final String RUNTIME = "set at runtime (mem:limit or Config Admin), kept";
    /** The embedded {@code gateway-defaults.json}. */
    static final String DEFAULTS = "embedded defaults";

    private Sources() {
    }

    /** @return {@code "--config /etc/gateway.json"} for {@code file:/etc/gateway.json}, the location itself otherwise */
    static String configFile(String location) {
        String shown = location;
        if (location.startsWith("file:")) {
            try {
                shown = URI.create(location).getPath();
            } catch (IllegalArgumentException e) {
                shown = location.substring("file:".length());
            }
        }
        return "--config " + shown;
    }
}
