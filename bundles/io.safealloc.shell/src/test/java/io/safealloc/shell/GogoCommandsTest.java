package io.safealloc.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;

/**
 * The commands as Gogo runs them: registered under the functions that the generated DS descriptor
 * (OSGI-INF, written by bnd from the annotations) declares, parsed and invoked by the real Gogo
 * runtime.
 */
class GogoCommandsTest {

    private static final String DESCRIPTOR = "/OSGI-INF/io.safealloc.shell.MemCommands.xml";

    @TempDir
    Path storage;

    private EmbeddedFelix felix;
    private SafeAllocator allocator;
    private OwnerView view;
    private MemCommands commands;
    private ThreadIOImpl threadIO;
    private CommandSession session;

    @BeforeEach
    void setUp() throws Exception {
        felix = EmbeddedFelix.start(storage, false);
        allocator = Allocators.withLimit(1L << 20);
        view = allocator.open(new Owner(5, "io.safealloc.shell"));
        commands = new MemCommands(view, felix.context(), Duration.ZERO);
        threadIO = new ThreadIOImpl();
        threadIO.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIO);
        for (String function : declaredFunctions()) {
            processor.addCommand(declaredScope(), commands, function);
        }
        session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }

    @AfterEach
    void tearDown() throws Exception {
        session.close();
        threadIO.stop();
        commands.deactivate();
        view.close();
        felix.close();
    }

    private static String descriptor() throws Exception {
        try (InputStream in = MemCommands.class.getResourceAsStream(DESCRIPTOR)) {
            assertNotNull(in, DESCRIPTOR + " was not generated");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String declaredScope() throws Exception {
        Matcher m = Pattern.compile("<property name=\"osgi.command.scope\" type=\"String\" value=\"([^\"]+)\"/>")
                .matcher(descriptor());
        assertTrue(m.find(), "osgi.command.scope");
        return m.group(1);
    }

    /** A String[] property: DS writes one value per line in the element body. */
    private static List<String> declaredFunctions() throws Exception {
        Matcher m = Pattern.compile("<property name=\"osgi.command.function\" type=\"String\">([^<]+)</property>")
                .matcher(descriptor());
        assertTrue(m.find(), "osgi.command.function as String[]");
        return Arrays.stream(m.group(1).split("\n")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private Object run(String line) throws Exception {
        return session.execute(line);
    }

    @Test
    void theDescriptorDeclaresScopeMemAndExactlyThePublicCommandMethods() throws Exception {
        assertEquals("mem", declaredScope());
        Set<String> methods = new TreeSet<>();
        for (Method method : MemCommands.class.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())) {
                methods.add(method.getName());
                assertNotNull(method.getAnnotation(Descriptor.class), method.getName() + " has no @Descriptor");
                assertNotNull(method.getParameters()[0].getAnnotation(Descriptor.class),
                        method.getName() + "'s argument has no @Descriptor");
            }
        }
        assertEquals(methods, new TreeSet<>(declaredFunctions()));
        assertEquals(List.of("stats", "pressure", "handlers", "leaks", "limit", "alloc", "free"), declaredFunctions());
    }

    @Test
    void gogoParsesAndRunsEachCommand() throws Exception {
        Object allocated = run("mem:alloc 64k");
        assertTrue(allocated instanceof String s && s.startsWith("allocated #1: 64.0 KiB (65536 bytes) at 0x"),
                String.valueOf(allocated));
        assertTrue(((String) run("mem:stats")).startsWith("global: in use 64.0 KiB (65536 bytes)"));
        assertTrue(((String) run("mem:leaks io.safealloc.shell")).endsWith("total: 1 allocations, 64.0 KiB "
                + "(65536 bytes) in 1 bundle"));
        assertTrue(((String) run("mem:handlers")).startsWith("no MemHandler registered"));
        assertEquals("limit 1.0 MiB (1048576 bytes), warning at 870.4 KiB (891289 bytes, 85 %)", run("mem:limit"));
        assertTrue(((String) run("mem:free 1")).startsWith("freed #1: 64.0 KiB"));
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void gogoHandsWrongArgumentCountsToTheCommandsWhichPrintUsage() throws Exception {
        assertEquals(MemCommands.USAGE_ALLOC, run("mem:alloc"));
        assertEquals(MemCommands.USAGE_ALLOC, run("mem:alloc 1 2"));
        assertEquals(MemCommands.USAGE_STATS, run("mem:stats now"));
        assertEquals(MemCommands.USAGE_FREE + "; none held", run("mem:free"));
        assertEquals("mem:alloc: size must not be negative: -1; " + MemCommands.USAGE_ALLOC, run("mem:alloc -1"));
    }
}
