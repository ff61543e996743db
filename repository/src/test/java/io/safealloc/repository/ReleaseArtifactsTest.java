package io.safealloc.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every published bundle ships under the Apache License 2.0: the licence text and NOTICE in the jar,
 * its sources jar and its javadoc jar, and the Bundle-License header.
 */
class ReleaseArtifactsTest {

    static List<Path> bundles() {
        return PublishedBundles.jars();
    }

    @ParameterizedTest
    @MethodSource("bundles")
    void bundleCarriesTheLicence(Path jar) throws IOException {
        assertLicenceFiles(jar);
        String license = PublishedBundles.header(jar, "Bundle-License");
        assertNotNull(license, jar + ": no Bundle-License header");
        Clause clause = Clause.parse(license).getFirst();
        assertTrue(clause.name().equals("Apache-2.0"), jar + ": Bundle-License " + license);
        assertTrue(clause.attributes().getOrDefault("link", "").contains("apache.org/licenses/LICENSE-2.0"),
                jar + ": Bundle-License link " + license);
    }

    @ParameterizedTest
    @MethodSource("bundles")
    void sourcesJarCarriesTheLicenceAndTheSources(Path jar) throws IOException {
        Path sources = PublishedBundles.attached(jar, "sources");
        assertTrue(Files.isRegularFile(sources), "missing " + sources);
        assertLicenceFiles(sources);
        try (JarFile file = new JarFile(sources.toFile())) {
            assertTrue(file.stream().anyMatch(e -> e.getName().endsWith(".java")), sources + " holds no .java file");
        }
    }

    @ParameterizedTest
    @MethodSource("bundles")
    void javadocJarCarriesTheLicenceAndTheDocs(Path jar) throws IOException {
        Path javadoc = PublishedBundles.attached(jar, "javadoc");
        assertTrue(Files.isRegularFile(javadoc), "missing " + javadoc);
        assertLicenceFiles(javadoc);
        try (JarFile file = new JarFile(javadoc.toFile())) {
            assertNotNull(file.getEntry("index.html"), javadoc + " has no index.html");
        }
    }

    /** META-INF/LICENSE is the repository's LICENSE, byte for byte; META-INF/NOTICE its NOTICE. */
    private static void assertLicenceFiles(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            for (String name : List.of("LICENSE", "NOTICE")) {
                JarEntry entry = file.getJarEntry("META-INF/" + name);
                assertNotNull(entry, jar + ": no META-INF/" + name);
                byte[] expected = Files.readAllBytes(PublishedBundles.ROOT.resolve(name));
                try (var in = file.getInputStream(entry)) {
                    assertArrayEquals(expected, in.readAllBytes(), jar + ": META-INF/" + name + " differs from " + name);
                }
            }
        }
    }
}
