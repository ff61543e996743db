package io.safealloc.gateway.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Brings the framework's bundles in line with the bundles embedded in the gateway jar, keeping what
 * the framework storage already holds: a bundle is installed when it is new, updated when its
 * embedded jar changed (CRC and size of the jar entry, remembered in the system bundle's data area),
 * uninstalled when a newer gateway jar no longer carries it, and left alone otherwise, so that a
 * bundle an operator stopped stays stopped across restarts, as OSGi persists it.
 *
 * <p>Bundles are installed under the location {@code gateway:<path in the jar>}. Not thread-safe: the
 * launcher calls it once, between {@code init()} and {@code start()} of the framework.
 */
final class EmbeddedBundles {

    static final String LOCATION_PREFIX = "gateway:";

    private static final Logger LOG = System.getLogger("io.safealloc.gateway");

    private final JarFile gatewayJar;
    private final List<String> paths;
    private final List<Integer> startLevels;

    /**
     * @param paths the bundles' paths inside the jar, in install order
     * @param startLevels the start level of each (0: the framework's default)
     */
    EmbeddedBundles(JarFile gatewayJar, List<String> paths, List<Integer> startLevels) {
        this.gatewayJar = gatewayJar;
        this.paths = List.copyOf(paths);
        this.startLevels = List.copyOf(startLevels);
    }

    /**
     * Installs, updates and uninstalls; new and updated bundles are marked to start (they start when
     * the framework starts).
     *
     * @return how many bundles were installed or updated
     */
    int synchronize(BundleContext system) throws IOException, BundleException {
        Set<String> wanted = new HashSet<>();
        List<Bundle> toStart = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            String location = LOCATION_PREFIX + path;
            wanted.add(location);
            ZipEntry entry = gatewayJar.getEntry(path);
            if (entry == null) {
                throw new IOException("the gateway jar has no " + path);
            }
            String stamp = Long.toHexString(entry.getCrc()) + "-" + entry.getSize();
            Bundle bundle = system.getBundle(location);
            if (bundle == null) {
                try (InputStream in = gatewayJar.getInputStream(entry)) {
                    bundle = system.installBundle(location, in);
                }
                toStart.add(bundle);
                store(system, bundle, stamp);
            } else if (!stamp.equals(storedStamp(system, bundle))) {
                LOG.log(Level.INFO, "updating {0} from the gateway jar", bundle.getSymbolicName());
                try (InputStream in = gatewayJar.getInputStream(entry)) {
                    bundle.update(in);
                }
                toStart.add(bundle);
                store(system, bundle, stamp);
            }
            int level = startLevels.get(i);
            BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
            if (level > 0 && startLevel.getStartLevel() != level) {
                startLevel.setStartLevel(level);
            }
        }
        for (Bundle bundle : system.getBundles()) {
            if (bundle.getLocation().startsWith(LOCATION_PREFIX) && !wanted.contains(bundle.getLocation())) {
                LOG.log(Level.INFO, "uninstalling {0}: no longer in the gateway jar", bundle.getSymbolicName());
                bundle.uninstall();
            }
        }
        for (Bundle bundle : toStart) {
            if ((bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                // The framework is not started yet: this only marks the bundle to start with it.
                bundle.start(Bundle.START_ACTIVATION_POLICY);
            }
        }
        return toStart.size();
    }

    private static File stampFile(BundleContext system, Bundle bundle) {
        File folder = system.getDataFile("gateway-launcher");
        return new File(folder, bundle.getBundleId() + ".stamp");
    }

    private static String storedStamp(BundleContext system, Bundle bundle) throws IOException {
        File file = stampFile(system, bundle);
        return file.isFile() ? Files.readString(file.toPath(), StandardCharsets.UTF_8).trim() : null;
    }

    private static void store(BundleContext system, Bundle bundle, String stamp) throws IOException {
        File file = stampFile(system, bundle);
        Files.createDirectories(file.getParentFile().toPath());
        Files.writeString(file.toPath(), stamp, StandardCharsets.UTF_8);
    }
}
