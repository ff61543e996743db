package io.safealloc.allocator.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helper: runs a main class in a JVM of its own (the test's java and class path, native access on). */
final class ForkedJvm {

    /** How a forked run ended: whether within the time, its exit status, and what it printed. */
    record Run(boolean ended, int exitValue, String log) {
    }

    private ForkedJvm() {
    }

    /** Runs {@code main} with {@code jvmOptions} and {@code args} in {@code workDir}, for at most 120 s. */
    static Run run(Path workDir, List<String> jvmOptions, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:-CreateCoredumpOnCrash");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path output = workDir.resolve("output.txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return new Run(ended, ended ? p.exitValue() : -1, Files.readString(output, StandardCharsets.UTF_8));
    }
}
