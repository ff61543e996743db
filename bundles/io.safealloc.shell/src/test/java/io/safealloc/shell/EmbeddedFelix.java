package io.safealloc.shell;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A real Apache Felix framework in the test JVM, optionally with the real Felix Config Admin
 * bundle: the service registry orders MemHandler references and Config Admin stores the budget,
 * nothing is mocked. The API package and the Config Admin API come from the test class path
 * through the system bundle, so test code and bundles share those types.
 */
public final class EmbeddedFelix implements AutoCloseable {

    private final Framework framework;

    private EmbeddedFelix(Framework framework) {
        this.framework = framework;
    }

    public static EmbeddedFelix start(Path storage, boolean withConfigAdmin) throws BundleException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new AssertionError("no OSGi framework on the test class path"));
        Framework framework = factory.newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA,
                "io.safealloc.api;version=1.0.0,org.osgi.service.cm;version=1.6.1"));
        framework.start();
        EmbeddedFelix felix = new EmbeddedFelix(framework);
        if (withConfigAdmin) {
            Bundle configAdmin = felix.context().installBundle(jarOnClassPath("org.apache.felix.configadmin"));
            configAdmin.start();
        }
        return felix;
    }

    private static String jarOnClassPath(String name) {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> Path.of(entry).getFileName().toString().startsWith(name)).findFirst()
                .map(entry -> Path.of(entry).toUri().toString())
                .orElseThrow(() -> new AssertionError(name + " is not on the test class path"));
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    /** @return the running Config Admin (Config Admin registers it while its bundle starts) */
    public ConfigurationAdmin configurationAdmin() {
        var reference = context().getServiceReference(ConfigurationAdmin.class);
        if (reference == null) {
            throw new AssertionError("Config Admin is not registered");
        }
        return context().getService(reference);
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }
}
