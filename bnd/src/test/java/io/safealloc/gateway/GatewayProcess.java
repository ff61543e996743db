package io.safealloc.gateway;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real gateway jar in a process of its own, started with the java of the JDK that runs the
 * tests (same {@code java.home}), driven through stdin and read line by line (stdout and stderr
 * merged, in order).
 *
 * <p>Synchronisation is by output only: {@link #awaitLine} waits, up to a deadline, for a line that
 * matches, and fails with the whole transcript otherwise. Lines are consumed in order: a line is
 * matched at most once, so a test that awaits A then B proves that B came after A.
 *
 * <p>Not thread-safe: one test thread drives it; one reader thread per process feeds it.
 */
final class GatewayProcess implements AutoCloseable {

    static final Path JAR = Path.of(System.getProperty("safealloc.gateway.jar", "target/gateway.jar"));
    /** The gateway with HTTP, the Web Console and the SafeAlloc page (gateway-web.bndrun). */
    static final Path WEB_JAR = Path.of(System.getProperty("safealloc.gateway.web.jar", "target/gateway-web.jar"));
    static final Path WORK = Path.of(System.getProperty("safealloc.gateway.work", "target/it-work"));
    /**
     * The budget the embedded defaults' {@code limit=auto} derives: it depends on the machine
     * (its memory or container limit, less the test JVM's -Xmx128m twice and the reserve).
     */
    static final String AUTO_BUDGET = "budget \\d+\\.\\d [MGT]iB";

    /** The embedded defaults, as checked in (bnd/gateway-defaults.json). */
    static final Path DEFAULTS = Path.of(System.getProperty("safealloc.gateway.defaults", "gateway-defaults.json"));
    /** The banner the gateway bundle prints once the gateway has settled. */
    static final Pattern READY = Pattern.compile("SafeAlloc gateway ready: (.*)");
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);

    private static final String END = "\u0000end of output";

    private final Process process;
    private final long startNanos = System.nanoTime();
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> transcript = new ArrayList<>();
    private final Writer stdin;

    private GatewayProcess(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::pump, "gateway-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param storage framework storage (keep it across starts to keep Config Admin data and the
     *     crash-loop guard's history)
     * @param configs OSGi Configurator JSON files, none for the embedded defaults
     * @param stdinClosed true: stdin is /dev/null, as under systemd; false: a pipe the test writes to
     */
    static GatewayProcess start(Path storage, List<Path> configs, boolean stdinClosed) throws IOException {
        return start(JAR, storage, configs, List.of(), stdinClosed);
    }

    /** @param jvmOptions more options for the gateway's JVM, e.g. {@code -Dsafealloc.gateway.jmxPort=0} */
    static GatewayProcess start(Path storage, List<Path> configs, boolean stdinClosed, List<String> jvmOptions)
            throws IOException {
        return start(JAR, storage, configs, jvmOptions, stdinClosed);
    }

    /**
     * @param jar the gateway jar ({@link #JAR}, or {@link #WEB_JAR} for the one with the Web Console)
     * @param jvmOptions more options for the JVM, e.g. {@code -Dorg.osgi.service.http.port=...}
     */
    static GatewayProcess start(Path jar, Path storage, List<Path> configs, List<String> jvmOptions,
            boolean stdinClosed) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " missing: the integration tests run after `package`");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow",
                "-Xmx128m",
                "-Dorg.osgi.framework.storage=" + storage.toAbsolutePath()));
        command.addAll(jvmOptions);
        if (!configs.isEmpty()) {
            command.add("-Dconfigurator.initial=" + String.join(",",
                    configs.stream().map(c -> c.toAbsolutePath().toUri().toString()).toList()));
        }
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdinClosed) {
            builder.redirectInput(new File("/dev/null"));
        }
        return new GatewayProcess(builder.start());
    }

    private void pump() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                synchronized (transcript) {
                    transcript.add(line);
                }
                unread.add(line);
            }
        } catch (IOException e) {
            unread.add("(output unreadable: " + e + ")");
        } finally {
            unread.add(END);
        }
    }

    /** Sends one shell command line. */
    void send(String commandLine) throws IOException {
        stdin.write(commandLine + "\n");
        stdin.flush();
    }

    /** @return the first unread line containing a match of {@code pattern} (the lines before it are skipped) */
    Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END)) {
                if (line != null) {
                    unread.add(END); // keep the end visible to later waits
                }
                throw new AssertionError((line == null ? "no line matching /" + pattern + "/ within " + timeout
                        : "the gateway's output ended without a line matching /" + pattern + "/")
                        + "; output so far:\n" + transcriptText());
            }
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
    }

    Matcher awaitLine(String regex) throws InterruptedException {
        return awaitLine(Pattern.compile(regex), STEP_TIMEOUT);
    }

    /** Waits for the start-up banner; returns what follows "ready: ". */
    String awaitReady() throws InterruptedException {
        return awaitReady(START_TIMEOUT);
    }

    /** Waits up to {@code timeout} for the start-up banner; returns what follows "ready: ". */
    String awaitReady(Duration timeout) throws InterruptedException {
        return awaitLine(READY, timeout).group(1);
    }

    /** @return milliseconds since this process was started */
    long millisSinceStart() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** @return the exit status, or fails when the process is still running after {@code timeout} */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the gateway did not exit within " + timeout + "; output so far:\n"
                    + transcriptText());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends SIGTERM, as systemd or a container runtime does. Through the ProcessHandle:
     * {@code Process.destroy()} would also close our end of the output pipe, and with it the lines
     * the gateway writes while it stops.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** @return every line read so far */
    List<String> transcript() {
        synchronized (transcript) {
            return List.copyOf(transcript);
        }
    }

    String transcriptText() {
        return String.join("\n", transcript());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A fresh folder for one test's framework storage and configuration files. */
    static Path workFolder(String name) throws IOException {
        Path folder = WORK.resolve(name + "-" + System.nanoTime());
        Files.createDirectories(folder);
        return folder;
    }
}
