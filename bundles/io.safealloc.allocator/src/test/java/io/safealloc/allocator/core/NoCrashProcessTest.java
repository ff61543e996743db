package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing in the catalogue crashes the JVM: {@link MisuseWorkload} runs in a JVM of its own (the
 * test's java, native access enabled, the test's class path) in a fresh working directory, and must
 * exit with 0 and leave no {@code hs_err_pid*.log} there (where the JVM writes its crash report).
 * The seed is new at every run and printed; replay one with {@code -Dsafealloc.misuse.seed=N}.
 */
class NoCrashProcessTest {

    private static final long SEED = Long.getLong("safealloc.misuse.seed", System.nanoTime());
    private static final int CALLS_PER_THREAD = Integer.getInteger("safealloc.misuse.calls", 60_000);

    @Test
    void aRandomMisuseWorkloadExitsCleanlyWithoutACrashReport(@TempDir Path workDir) throws Exception {
        ForkedJvm.Run run = ForkedJvm.run(workDir, List.of("-Xmx256m"), MisuseWorkload.class, String.valueOf(SEED),
                String.valueOf(CALLS_PER_THREAD), "2");
        String log = run.log();
        String seed = "seed " + SEED + " (replay: -Dsafealloc.misuse.seed=" + SEED + ")\n" + log;
        assertTrue(run.ended(), "the workload ended within 120 s; " + seed);
        assertEquals(List.of(), crashReports(workDir), "no JVM crash report; " + seed);
        assertEquals(0, run.exitValue(), "a clean exit; " + seed);
        assertTrue(log.contains("FAST: " + CALLS_PER_THREAD + " calls"), seed);
        assertTrue(log.contains("CHECKED: " + 2 * CALLS_PER_THREAD + " calls"), seed);
        assertTrue(log.contains("bytes in use 0, live allocations 0, undocumented exceptions 0"), seed);
        assertTrue(log.contains("misuse workload exit status 0"), seed);
    }

    private static List<String> crashReports(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("hs_err_pid")).toList();
        }
    }
}
