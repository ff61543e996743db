package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The real default: a separate JVM that uses the core on its own, with no handler, runs out of its
 * budget and must end with the configured exit code after logging Ioto's message.
 */
class AbortProcessTest {

    /** The forked program: allocate past a 1 KiB budget with the default handler. */
    public static final class OverBudget {
        public static void main(String[] args) {
            SafeAllocator allocator = SafeAllocator.builder()
                    .config(AllocatorConfig.DEFAULTS.withLimit(1024).withAbortExitCode(Integer.parseInt(args[0])))
                    .build();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("shutdown hook ran")));
            allocator.unowned().rAlloc(1000);
            try {
                allocator.unowned().rAlloc(1000);
            } catch (RuntimeException e) {
                System.err.println("caller saw " + e.getClass().getSimpleName());
            }
            // The process ends from the abort thread; this thread goes on waiting like a service would.
            try {
                new java.util.concurrent.CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.exit(0); // never reached when the abort works
        }
    }

    @Test
    void theDefaultHandlerLogsAndEndsTheProcessWithTheExitCode() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        File log = File.createTempFile("abort", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(List.of(javaBin.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), OverBudget.class.getName(), "71"))
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the process ended");
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertEquals(71, p.exitValue(), output);
        assertTrue(output.contains("Memory allocation error for 1000 bytes"), output);
        assertTrue(output.contains("shutdown hook ran"), "a clean exit, not a halt: " + output);
        assertTrue(!output.contains("WARNING: A restricted method"), output);
    }
}
