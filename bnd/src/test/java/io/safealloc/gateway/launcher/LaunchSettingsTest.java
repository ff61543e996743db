package io.safealloc.gateway.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the launcher makes of bnd's launcher.properties and the -D overrides. */
class LaunchSettingsTest {

    private static final String DEFAULTS = "{\"io.safealloc.allocator\": {\"limit:Long\": 1}}";

    private static Properties embedded() {
        Properties p = new Properties();
        p.setProperty("launch.bundles", "jar/a.jar,jar/b.jar, jar/c.jar");
        p.setProperty("launch.runbundles.attrs",
                "a;version=\"1.0.0\";startlevel=1,b;version=\"2.1\";startlevel=3,c;version=\"1\"");
        p.setProperty("launch.keep", "false");
        p.setProperty("gosh.args", "--noshutdown");
        return p;
    }

    private static Properties system(String... keysAndValues) {
        Properties p = new Properties();
        p.setProperty("user.home", "/home/op");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    @Test
    void bundlesAndStartLevelsInInstallOrder() {
        LaunchSettings settings = LaunchSettings.of(embedded(), system(), DEFAULTS);
        assertEquals(List.of("jar/a.jar", "jar/b.jar", "jar/c.jar"), settings.bundlePaths());
        assertEquals(List.of(1, 3, 0), settings.startLevels());
    }

    @Test
    void frameworkPropertiesLeaveOutTheLauncherKeysAndAddTheDefaults() {
        LaunchSettings settings = LaunchSettings.of(embedded(), system(), DEFAULTS);
        assertEquals("--noshutdown", settings.frameworkProperties().get("gosh.args"));
        assertFalse(settings.frameworkProperties().containsKey("launch.keep"));
        assertEquals(Path.of("/home/op/.safealloc/gateway"), settings.storage());
        assertEquals(DEFAULTS, settings.frameworkProperties().get("safealloc.gateway.defaults"));
        assertFalse(settings.frameworkProperties().containsKey("safealloc.gateway.config"), "no --config given");
        assertEquals(30, settings.stopTimeoutSeconds());
    }

    @Test
    void systemPropertiesOverrideEverything(@TempDir Path folder) throws Exception {
        String config = Files.writeString(folder.resolve("gateway.json"), "{\":configurator:version\": \"1\", "
                + "\":configurator:symbolic-name\": \"g\"}").toUri().toString();
        LaunchSettings settings = LaunchSettings.of(embedded(), system(
                "gosh.args", "--login", "org.osgi.framework.storage", "/var/lib/gateway",
                "configurator.initial", config, "safealloc.gateway.stopTimeoutSeconds", "5"),
                DEFAULTS);
        assertEquals("--login", settings.frameworkProperties().get("gosh.args"));
        assertEquals(Path.of("/var/lib/gateway"), settings.storage());
        assertEquals(config, settings.frameworkProperties().get("safealloc.gateway.config"));
        assertFalse(settings.frameworkProperties().containsKey("configurator.initial"),
                "the gateway bundle applies the file, not the Configurator (issue 12, item 11)");
        assertEquals(5, settings.stopTimeoutSeconds());
    }

    @Test
    void aStopTimeoutThatIsNotANumberIsRejectedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LaunchSettings.of(embedded(),
                system("safealloc.gateway.stopTimeoutSeconds", "soon"), DEFAULTS));
        assertEquals("safealloc.gateway.stopTimeoutSeconds must be a number of seconds, was soon", e.getMessage());
    }

    @Test
    void jmxIsOffUnlessAPortIsGivenAndThenOnLoopback() {
        LaunchSettings off = LaunchSettings.of(embedded(), system(), DEFAULTS);
        assertEquals(-1, off.jmxPort());
        LaunchSettings on = LaunchSettings.of(embedded(), system("safealloc.gateway.jmxPort", " 9010 "), DEFAULTS);
        assertEquals(9010, on.jmxPort());
        assertEquals("127.0.0.1", on.jmxHost());
        assertEquals("0.0.0.0", LaunchSettings.of(embedded(),
                system("safealloc.gateway.jmxPort", "0", "safealloc.gateway.jmxHost", "0.0.0.0"), DEFAULTS).jmxHost());
    }

    @Test
    void aBadJmxPortStopsTheStartSayingWhy() {
        for (String bad : List.of("abc", "-1", "65536", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LaunchSettings.of(embedded(), system("safealloc.gateway.jmxPort", bad), DEFAULTS));
            assertEquals("safealloc.gateway.jmxPort (--jmx-port) must be a port from 0 to 65535 (0: any free port), was \""
                    + bad + "\"", e.getMessage());
        }
        assertEquals("safealloc.gateway.jmxHost must name an address, was empty", assertThrows(IllegalArgumentException.class,
                () -> LaunchSettings.of(embedded(), system("safealloc.gateway.jmxPort", "0", "safealloc.gateway.jmxHost", " "),
                        DEFAULTS)).getMessage());
    }
}
