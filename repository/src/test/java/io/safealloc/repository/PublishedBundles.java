package io.safealloc.repository;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The bundles this build publishes, as the build left them: the jars the repository module copied
 * into target/repository (its io.safealloc dependencies), their manifests, and the -sources and
 * -javadoc jars beside each in its module's target/ folder.
 */
final class PublishedBundles {

    static final Path REPOSITORY = Path.of(System.getProperty("safealloc.repository.dir", "target/repository"));
    static final Path ROOT = Path.of(System.getProperty("safealloc.root", ".."));
    static final String VERSION = System.getProperty("safealloc.version");

    private PublishedBundles() {
    }

    /** The bundle jars in target/repository; at least the API and the allocator. */
    static List<Path> jars() {
        try (Stream<Path> files = Files.list(REPOSITORY)) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (jars.stream().noneMatch(p -> p.getFileName().toString().startsWith("io.safealloc.allocator-"))) {
                throw new AssertionError("no io.safealloc.allocator jar in " + REPOSITORY + ": " + jars);
            }
            return jars;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Manifest manifest(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String header(Path jar, String name) {
        return manifest(jar).getMainAttributes().getValue(name);
    }

    /** io.safealloc.api-1.1.0-SNAPSHOT.jar: io.safealloc.api (the module folder under bundles/). */
    static String artifactId(Path jar) {
        String name = jar.getFileName().toString();
        return name.substring(0, name.length() - ("-" + VERSION + ".jar").length());
    }

    /** The module's -sources.jar or -javadoc.jar, in bundles/ARTIFACT/target/. */
    static Path attached(Path jar, String classifier) {
        String artifact = artifactId(jar);
        return ROOT.resolve("bundles").resolve(artifact).resolve("target")
                .resolve(artifact + "-" + VERSION + "-" + classifier + ".jar");
    }
}
