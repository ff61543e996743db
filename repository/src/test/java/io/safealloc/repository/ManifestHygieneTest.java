package io.safealloc.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the built manifests promise to resolvers (bnd, Karaf's features resolver, p2):
 * <ul>
 * <li>no bundle advertises a service under a type no other bundle can load (an internal component
 * such as the allocator's AllocatorComponent, or the shell's MemCommands): every osgi.service
 * capability names types of an exported package (ours, io.safealloc.api), of a package the bundle
 * imports (another's API, such as Felix Health Check's HealthCheck) or of the OSGi specifications;</li>
 * <li>Event Admin is optional for the allocator, as the README says: its import of
 * org.osgi.service.event and its osgi.service requirement on EventAdmin are both optional, and no
 * bundle requires the EventAdmin service mandatorily.</li>
 * </ul>
 */
class ManifestHygieneTest {

    private static final String EVENT_ADMIN = "(objectClass=org.osgi.service.event.EventAdmin)";

    static List<Path> bundles() {
        return PublishedBundles.jars();
    }

    @ParameterizedTest
    @MethodSource("bundles")
    void advertisesOnlyServicesOthersCanUse(Path jar) {
        Set<String> exported = exportedPackages();
        Set<String> imported = new java.util.HashSet<>();
        for (Clause imports : Clause.parse(PublishedBundles.header(jar, "Import-Package"))) {
            imported.add(imports.name());
        }
        for (Clause capability : Clause.parse(PublishedBundles.header(jar, "Provide-Capability"))) {
            if (!capability.name().equals("osgi.service")) {
                continue;
            }
            for (String type : capability.attributes().get("objectClass").split(",")) {
                String pkg = type.trim().substring(0, type.trim().lastIndexOf('.'));
                // Ours only if exported; another's API (imported, e.g. Felix HC's HealthCheck) is public.
                assertTrue(exported.contains(pkg) || imported.contains(pkg) || pkg.startsWith("org.osgi."),
                        jar.getFileName() + " advertises the service " + type.trim()
                                + ", a type of a package nobody exports: an internal component");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("bundles")
    void requiresEventAdminOptionallyIfAtAll(Path jar) {
        for (Clause requirement : Clause.parse(PublishedBundles.header(jar, "Require-Capability"))) {
            if (requirement.name().equals("osgi.service")
                    && requirement.directives().getOrDefault("filter", "").contains(EVENT_ADMIN)) {
                assertTrue(requirement.optional(), jar.getFileName() + " requires Event Admin: " + requirement);
            }
        }
    }

    @Test
    void allocatorResolvesWithoutEventAdmin() {
        Path allocator = allocatorJar();
        Clause eventImport = Clause.parse(PublishedBundles.header(allocator, "Import-Package")).stream()
                .filter(c -> c.name().equals("org.osgi.service.event")).findFirst()
                .orElseThrow(() -> new AssertionError("the allocator no longer imports org.osgi.service.event"));
        assertTrue(eventImport.optional(), "Import-Package " + eventImport);

        List<Clause> eventAdmin = Clause.parse(PublishedBundles.header(allocator, "Require-Capability")).stream()
                .filter(c -> c.directives().getOrDefault("filter", "").contains(EVENT_ADMIN)).toList();
        assertEquals(1, eventAdmin.size(), "the optional requirement that tells resolvers the allocator can use Event Admin");
        assertTrue(eventAdmin.getFirst().optional(), "Require-Capability " + eventAdmin.getFirst());
    }

    @Test
    void allocatorAdvertisesTheAllocatorServiceAndNothingElse() {
        List<String> services = Clause.parse(PublishedBundles.header(allocatorJar(), "Provide-Capability")).stream()
                .filter(c -> c.name().equals("osgi.service")).map(c -> c.attributes().get("objectClass")).toList();
        assertEquals(List.of("io.safealloc.api.AllocatorService"), services);
        String components = PublishedBundles.header(allocatorJar(), "Service-Component");
        assertTrue(components != null && components.contains("AllocatorComponent"),
                "AllocatorComponent is still a DS component (registered, just not advertised)");
    }

    private static Path allocatorJar() {
        return PublishedBundles.jars().stream()
                .filter(p -> PublishedBundles.artifactId(p).equals("io.safealloc.allocator")).findFirst().orElseThrow();
    }

    private static Set<String> exportedPackages() {
        Set<String> packages = new HashSet<>();
        for (Path jar : PublishedBundles.jars()) {
            Clause.parse(PublishedBundles.header(jar, "Export-Package")).forEach(c -> packages.add(c.name()));
        }
        return packages;
    }

}
