package io.safealloc.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Configurator JSON format, read with its types and tagged with its source. */
class ConfigurationTextTest {

    @Test
    void typedKeysCommentsAndFactoryPidsAreReadWithTheFileAsSource(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("g.json"), """
                {
                  ":configurator:symbolic-name": "g", ":configurator:version": "1.0.0",
                  // a comment
                  "io.safealloc.allocator": { "limit:Long": 8388608, "defaultRecovery": "ABORT" },
                  "io.safealloc.quota~sensors": { "bundle": "io.safealloc.demo", "limit:Long": 1024 }
                }
                """);

        Map<String, Map<String, Sourced>> read = ConfigurationText.readConfig(file.toUri().toString());

        String source = "--config " + file;
        assertEquals(new Sourced(8388608L, source), read.get("io.safealloc.allocator").get("limit"));
        assertEquals(new Sourced("ABORT", source), read.get("io.safealloc.allocator").get("defaultRecovery"));
        assertEquals(new Sourced(1024L, source), read.get("io.safealloc.quota~sensors").get("limit"));
    }

    @Test
    void theDefaultsAreTaggedAsSuch() throws Exception {
        Map<String, Map<String, Sourced>> read = ConfigurationText.readDefaults(
                "{\":configurator:symbolic-name\": \"d\", \":configurator:version\": \"1\", "
                        + "\"io.safealloc.allocator\": {\"warnPercent:Integer\": 85}}");
        assertEquals(new Sourced(85, Sources.DEFAULTS), read.get("io.safealloc.allocator").get("warnPercent"));
    }

    @Test
    void aFileThatIsNotJsonIsAnErrorNamingIt(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("bad.json"), "{ \"io.safealloc.allocator\": ");
        Exception e = assertThrows(java.io.IOException.class, () -> ConfigurationText.readConfig(file.toUri().toString()));
        assertTrue(e.getMessage().contains("bad.json"), e.getMessage());
    }
}
