package io.safealloc.gateway.launcher;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarFile;

import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Entry point of the executable gateway jar ({@code java -jar gateway.jar}): starts Apache Felix
 * with the bundles embedded in the jar and keeps the process alive until the framework stops for
 * good.
 *
 * <p>Why not bnd's own launcher, which bnd puts into exported jars: it ends the process when the
 * system bundle is updated, and the {@code restart} handler relies on exactly that update to restart
 * the framework in place (Felix restarts itself; see {@link FrameworkSupervisor}). This launcher also
 * stops the framework gracefully on SIGTERM and keeps the framework storage across runs.
 *
 * <p>With {@value LaunchSettings#JMX_PORT} set ({@code bnd/gateway --jmx-port N}), a remote JMX
 * connector listens on 127.0.0.1 only ({@link JmxConnector}).
 *
 * <p>Exit status: 0 after a normal stop ({@code stop 0} in the shell; SIGTERM gives 143, SIGINT/Ctrl-C 130, after the same graceful stop), 1 when the
 * framework cannot start or does not come back after a restart, and whatever the allocator's ABORT
 * path chooses ({@code abortExitCode}, 70 by default): it ends the process itself.
 */
public final class GatewayLauncher {

    static {
        ConsoleLogFormat.install(); // before the first logger is made, below
    }

    private static final Logger LOG = System.getLogger("io.safealloc.gateway");

    private GatewayLauncher() {
    }

    /** @param args ignored */
    public static void main(String[] args) {
        int status;
        try {
            LaunchSettings settings = LaunchSettings.load(System.getProperties());
            // Felix shows system properties to bundles as framework properties: the Configurator
            // must not apply the file too (the gateway bundle does, see LaunchSettings).
            System.clearProperty(LaunchSettings.CONFIGURATOR_INITIAL);
            status = run(settings);
        } catch (Exception e) {
            LOG.log(Level.ERROR, "SafeAlloc gateway cannot start: {0}", String.valueOf(e));
            status = 1;
        }
        System.exit(status);
    }

    private static int run(LaunchSettings settings) throws Exception {
        // Framework properties are visible as system properties too (jline reads its settings
        // there), as with bnd's launcher; -D values were already taken over by the settings.
        for (Map.Entry<String, String> property : settings.frameworkProperties().entrySet()) {
            if (System.getProperty(property.getKey()) == null) {
                System.setProperty(property.getKey(), property.getValue());
            }
        }
        Files.createDirectories(settings.storage());

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, GatewayLauncher.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework in the gateway jar"));
        Framework framework = factory.newFramework(settings.frameworkProperties());
        framework.init();
        try (JarFile jar = new JarFile(ownJar())) {
            int changed = new EmbeddedBundles(jar, settings.bundlePaths(), settings.startLevels()).synchronize(framework.getBundleContext());
            LOG.log(Level.DEBUG, "{0} bundles installed or updated from the gateway jar", changed);
        }

        startJmx(settings);
        FrameworkSupervisor supervisor = new FrameworkSupervisor(framework, settings.stopTimeoutSeconds());
        Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stopGracefully, "safealloc-gateway-stop"));
        framework.start();
        return supervisor.awaitFinalStop();
    }

    /**
     * Before the framework: the connector is the JVM's, it outlives framework restarts in place, and
     * a port that cannot be bound stops the start with the reason instead of a gateway without it.
     */
    private static void startJmx(LaunchSettings settings) throws IOException {
        if (settings.jmxPort() < 0) {
            return;
        }
        JmxConnector connector = JmxConnector.start(settings.jmxHost(), settings.jmxPort());
        if (JmxConnector.isLoopback(settings.jmxHost())) {
            LOG.log(Level.INFO, "JMX connector at {0} (loopback only, no authentication)", connector.address());
        } else {
            LOG.log(Level.WARNING, "JMX connector at {0}: NOT loopback, and without authentication or TLS: "
                    + "anyone who reaches this address controls the JVM", connector.address());
        }
    }

    private static File ownJar() throws URISyntaxException {
        return new File(GatewayLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
