package io.safealloc.gateway.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gateway launcher starts, read from {@code launcher.properties} in the gateway jar (written
 * by bnd's exporter from {@code gateway.bndrun}: the embedded bundles and the {@code -runproperties})
 * with {@code -D} system properties taking precedence over every key, as with bnd's own launcher.
 *
 * <p>Defaults the launcher adds when they are not given:
 * <ul>
 *   <li>{@value #STORAGE}: {@code ~/.safealloc/gateway}. Kept across runs (Config Admin data, the
 *       crash-loop guard's history, installed bundles);</li>
 *   <li>{@value #DEFAULTS}: the text of the embedded {@code gateway-defaults.json};</li>
 *   <li>{@value #CONFIG}: what {@code -Dconfigurator.initial=file:/path/gateway.json} (the script's
 *       {@code --config}) names, checked first. The gateway bundle applies both with its own rule of
 *       which value wins (docs/gateway.md, "Which value wins"); the OSGi Configurator never sees
 *       {@value #CONFIGURATOR_INITIAL}, because its own bookkeeping of initial files kept the values of
 *       an earlier file (issue 12, item 11).</li>
 * </ul>
 *
 * <p>Immutable after construction.
 */
final class LaunchSettings {

    /** Framework storage folder (standard OSGi framework property). */
    static final String STORAGE = "org.osgi.framework.storage";
    /** The operator's configuration, as the OSGi Configurator names it: JSON text or comma-separated URLs. */
    static final String CONFIGURATOR_INITIAL = "configurator.initial";
    /** Framework property: the operator's configuration (from {@value #CONFIGURATOR_INITIAL}), for the gateway bundle. */
    static final String CONFIG = "safealloc.gateway.config";
    /** Framework property: the JSON text of the embedded defaults, for the gateway bundle. */
    static final String DEFAULTS = "safealloc.gateway.defaults";
    /** The port of the remote JMX connector ({@link JmxConnector}); none when not set, 0 for any free port. */
    static final String JMX_PORT = "safealloc.gateway.jmxPort";
    /** The one address the JMX connector listens on; 127.0.0.1 when not set. */
    static final String JMX_HOST = "safealloc.gateway.jmxHost";
    static final String DEFAULT_JMX_HOST = "127.0.0.1";
    /** Seconds a graceful stop (SIGTERM, end of a restart) may take. */
    static final String STOP_TIMEOUT = "safealloc.gateway.stopTimeoutSeconds";
    /** The embedded defaults, at the root of the gateway jar. */
    static final String DEFAULTS_RESOURCE = "/gateway-defaults.json";

    private static final String LAUNCHER_PROPERTIES = "/launcher.properties";
    private static final String BUNDLES = "launch.bundles";
    /** bnd: one clause per embedded bundle, in the order of {@value #BUNDLES}, with its start level. */
    private static final String BUNDLE_ATTRIBUTES = "launch.runbundles.attrs";
    private static final Pattern START_LEVEL = Pattern.compile(";\\s*startlevel\\s*=\\s*\"?(\\d+)");

    private final Map<String, String> frameworkProperties;
    private final List<String> bundlePaths;
    private final List<Integer> startLevels;
    private final long stopTimeoutSeconds;
    private final int jmxPort;
    private final String jmxHost;

    private LaunchSettings(Map<String, String> frameworkProperties, List<String> bundlePaths, List<Integer> startLevels,
            long stopTimeoutSeconds, int jmxPort, String jmxHost) {
        this.jmxPort = jmxPort;
        this.jmxHost = jmxHost;
        this.frameworkProperties = Map.copyOf(frameworkProperties);
        this.bundlePaths = List.copyOf(bundlePaths);
        this.startLevels = List.copyOf(startLevels);
        this.stopTimeoutSeconds = stopTimeoutSeconds;
    }

    /**
     * @param system the system properties ({@code -D} overrides)
     * @throws IOException if the jar holds no {@code launcher.properties}
     */
    static LaunchSettings load(Properties system) throws IOException {
        Properties embedded = new Properties();
        try (InputStream in = LaunchSettings.class.getResourceAsStream(LAUNCHER_PROPERTIES)) {
            if (in == null) {
                throw new IOException(LAUNCHER_PROPERTIES + " not found: run the exported gateway jar");
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                embedded.load(reader);
            }
        }
        String defaults;
        try (InputStream in = LaunchSettings.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            defaults = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return of(embedded, system, defaults);
    }

    /**
     * Visible for tests: {@code embedded} as written by bnd, {@code system} the overrides,
     * {@code defaults} the embedded defaults' JSON text ({@code null}: none).
     */
    static LaunchSettings of(Properties embedded, Properties system, String defaults) {
        Map<String, String> framework = new HashMap<>();
        for (String key : embedded.stringPropertyNames()) {
            // launch.* and launcher.* are bnd launcher settings, not framework properties.
            if (!key.startsWith("launch.") && !key.startsWith("launcher.")) {
                framework.put(key, system.getProperty(key, embedded.getProperty(key)));
            }
        }
        putIfAbsent(framework, system, STORAGE,
                Path.of(system.getProperty("user.home", "."), ".safealloc", "gateway").toString());
        framework.remove(CONFIGURATOR_INITIAL);
        if (defaults != null) {
            framework.put(DEFAULTS, defaults);
        }
        if (system.getProperty(CONFIGURATOR_INITIAL) != null) {
            ConfiguratorFiles.check(system.getProperty(CONFIGURATOR_INITIAL));
            framework.put(CONFIG, system.getProperty(CONFIGURATOR_INITIAL));
        }

        List<String> bundles = new ArrayList<>();
        for (String path : system.getProperty(BUNDLES, embedded.getProperty(BUNDLES, "")).split(",")) {
            if (!path.isBlank()) {
                bundles.add(path.trim());
            }
        }
        List<Integer> levels = startLevels(embedded.getProperty(BUNDLE_ATTRIBUTES, ""), bundles.size());
        long timeout = parseSeconds(system.getProperty(STOP_TIMEOUT, framework.getOrDefault(STOP_TIMEOUT, "30")));
        int jmxPort = parseJmxPort(system.getProperty(JMX_PORT));
        String jmxHost = system.getProperty(JMX_HOST, DEFAULT_JMX_HOST).trim();
        if (jmxHost.isEmpty()) {
            throw new IllegalArgumentException(JMX_HOST + " must name an address, was empty");
        }
        return new LaunchSettings(framework, bundles, levels, timeout, jmxPort, jmxHost);
    }

    /**
     * The start level of each bundle, 0 where none is given. bnd writes one clause per bundle,
     * {@code bsn;version="1.0";startlevel=2}, comma-separated; versions hold no commas.
     */
    private static List<Integer> startLevels(String attributes, int count) {
        List<Integer> levels = new ArrayList<>();
        String[] clauses = attributes.isBlank() ? new String[0] : attributes.split(",");
        for (int i = 0; i < count; i++) {
            Matcher level = i < clauses.length ? START_LEVEL.matcher(clauses[i]) : null;
            levels.add(level != null && level.find() ? Integer.parseInt(level.group(1)) : 0);
        }
        return levels;
    }

    private static void putIfAbsent(Map<String, String> framework, Properties system, String key, String fallback) {
        String value = system.getProperty(key);
        framework.put(key, value != null ? value : framework.getOrDefault(key, fallback));
    }

    private static long parseSeconds(String text) {
        try {
            return Math.max(1, Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(STOP_TIMEOUT + " must be a number of seconds, was " + text);
        }
    }

    /** -1: no JMX connector. An operator who asked for one gets it or a start that fails saying why. */
    private static int parseJmxPort(String text) {
        if (text == null) {
            return -1;
        }
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(JMX_PORT + " (--jmx-port) must be a port from 0 to 65535 (0: any free port), was \""
                + text + "\"");
    }

    /** @return the JMX connector's port (0: any free one), or -1 for no connector */
    int jmxPort() {
        return jmxPort;
    }

    /** @return the one address the JMX connector listens on */
    String jmxHost() {
        return jmxHost;
    }

    /** @return the properties for {@code FrameworkFactory.newFramework} */
    Map<String, String> frameworkProperties() {
        return frameworkProperties;
    }

    /** @return the paths of the embedded bundles inside the gateway jar, in install order */
    List<String> bundlePaths() {
        return bundlePaths;
    }

    /** @return the start level of each bundle of {@link #bundlePaths()}, 0 for the framework's default */
    List<Integer> startLevels() {
        return startLevels;
    }

    /** @return the framework storage folder */
    Path storage() {
        return Path.of(frameworkProperties.get(STORAGE));
    }

    /** @return how long a graceful stop may take */
    long stopTimeoutSeconds() {
        return stopTimeoutSeconds;
    }
}
