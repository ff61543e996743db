package io.safealloc.gateway.launcher;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration file the Configurator would ignore stops the gateway before it starts unprotected. */
class ConfiguratorFilesTest {

    private static final String HEADER = """
            ":configurator:symbolic-name": "my.gateway",
            ":configurator:version": "1.0.0",
            """;

    @Test
    void aFileWithoutTheHeaderKeysIsRefusedWithWhatIsMissing(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("my.json"), "{ \"io.safealloc.allocator\": { \"limit\": \"8m\" } }");
        String url = file.toUri().toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfiguratorFiles.check(url));
        assertEquals(url + " is not an OSGi Configurator file: it lacks :configurator:symbolic-name and "
                + ":configurator:version (see docs/gateway.md, \"Configuration\"); a gateway started with it "
                + "would run with no budget and no handlers, so it does not start", e.getMessage());
    }

    @Test
    void oneMissingKeyIsNamedAlone(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("half.json"),
                "{ \":configurator:symbolic-name\": \"x\", \":configurator:resource-version\": 1 }");
        String message = assertThrows(IllegalArgumentException.class,
                () -> ConfiguratorFiles.check(file.toUri().toString())).getMessage();
        assertEquals(true, message.contains("it lacks :configurator:version ("), message);
    }

    @Test
    void aConfiguratorFileAndInlineTextPass(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("ok.json"), "{" + HEADER + " \"io.safealloc.allocator\": {} }");
        assertDoesNotThrow(() -> ConfiguratorFiles.check(file.toUri().toString()));
        assertDoesNotThrow(() -> ConfiguratorFiles.check("{" + HEADER + " \"a\": {} }"));
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path folder) {
        String url = folder.resolve("missing.json").toUri().toString();
        String message = assertThrows(IllegalArgumentException.class, () -> ConfiguratorFiles.check(url)).getMessage();
        assertEquals(true, message.startsWith("the configuration " + url + " cannot be read: "), message);
    }

    @Test
    void theLauncherChecksAFileGivenWithConfigButNotTheEmbeddedDefaults(@TempDir Path folder) throws Exception {
        Path file = Files.writeString(folder.resolve("bad.json"), "{}");
        Properties system = new Properties();
        system.setProperty("configurator.initial", file.toUri().toString());
        assertThrows(IllegalArgumentException.class, () -> LaunchSettings.of(new Properties(), system, null));
        assertDoesNotThrow(() -> LaunchSettings.of(new Properties(), new Properties(), "{}"));
    }
}
