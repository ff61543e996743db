package io.safealloc.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;

import io.safealloc.allocator.core.AllocatorConfig;
import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Recovery;
import io.safealloc.shell.report.HandlersReport;

/**
 * The command object against a real allocator (the shell's own bundle view), a real Felix service
 * registry and the real Felix Config Admin.
 */
class MemCommandsTest {

    private static final Pattern STACK_TRACE = Pattern.compile("Exception|\\tat |\\n\\s+at ");

    @TempDir
    Path storage;

    private EmbeddedFelix felix;
    private SafeAllocator allocator;
    private OwnerView shellView;
    private MemCommands commands;

    @BeforeEach
    void setUp() throws Exception {
        felix = EmbeddedFelix.start(storage, true);
        allocator = Allocators.withLimit(1L << 20);
        shellView = allocator.open(new Owner(5, "io.safealloc.shell"));
        commands = new MemCommands(shellView, felix.context(), Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() throws Exception {
        commands.deactivate();
        shellView.close();
        felix.close();
    }

    private BundleStats shellFigures() {
        return allocator.stats().bundles().stream().filter(b -> b.bundleName().equals("io.safealloc.shell"))
                .findFirst().orElseThrow();
    }

    private static void assertOneLineWithoutStackTrace(String output) {
        assertFalse(output.contains("\n"), "one line: " + output);
        assertFalse(STACK_TRACE.matcher(output).find(), "no stack trace: " + output);
    }

    @Test
    void allocKeepsTheSegmentUnderAnIdAndFreeReleasesIt() {
        String allocated = commands.alloc("4k");
        assertTrue(Pattern.matches("allocated #1: 4\\.0 KiB \\(4096 bytes\\) at 0x[0-9a-f]+", allocated), allocated);
        assertEquals(4096, shellFigures().bytesInUse());
        assertEquals(1, shellFigures().liveAllocations());

        String second = commands.alloc("100");
        assertTrue(second.startsWith("allocated #2: 100 bytes at 0x"), second);

        String freed = commands.free("1");
        assertEquals(allocated.replace("allocated", "freed"), freed);
        assertEquals(100, shellFigures().bytesInUse());
        assertTrue(commands.free("#2").startsWith("freed #2: 100 bytes at 0x"));
        assertEquals(0, shellFigures().bytesInUse());
    }

    @Test
    void freeOfAnUnknownIdPrintsUsageWithTheIdsHeld() {
        commands.alloc("16");
        commands.alloc("16");
        commands.free("1");
        String output = commands.free("1");
        assertEquals("mem:free: no allocation #1; usage: mem:free <id>  (the id that mem:alloc printed); held: 2",
                output);
        assertEquals(16, shellFigures().bytesInUse()); // nothing else was freed
    }

    @Test
    void anAllocationTheHandlersRefusePrintsCauseSizeAndDecisionOnOneLine() {
        String output = commands.alloc("2m");
        assertEquals("mem:alloc failed: LIMIT (global budget) for 2.0 MiB (2097152 bytes), decision FAIL", output);
        allocator.configure(allocator.config().withMaxAllocation(1000));
        assertEquals("mem:alloc failed: TOO_BIG for 1.0 KiB (1024 bytes), decision FAIL", commands.alloc("1k"));
        assertEquals(0, shellFigures().liveAllocations());
    }

    @Test
    void wrongArgumentsPrintOneLineOfUsageNeverAStackTrace() {
        List<String> outputs = List.of(
                commands.alloc(), commands.alloc("1", "2"), commands.alloc("-5"), commands.alloc("lots"),
                commands.alloc("1.5m"), commands.alloc("99999999999999999999"),
                commands.free(), commands.free("x"), commands.free("7"), commands.free("1", "2"),
                commands.limit("-1"), commands.limit("64q"), commands.limit("1", "2"),
                commands.leaks("a", "b"), commands.stats("x"), commands.handlers("x"));
        for (String output : outputs) {
            assertOneLineWithoutStackTrace(output);
            assertTrue(output.contains("usage: mem:"), output);
        }
        assertEquals(MemCommands.USAGE_ALLOC, commands.alloc());
        assertEquals("mem:alloc: size must not be negative: -5; " + MemCommands.USAGE_ALLOC, commands.alloc("-5"));
        assertEquals(MemCommands.USAGE_STATS, commands.stats("x"));
        assertEquals(MemCommands.USAGE_PRESSURE, commands.pressure("x"));
        assertEquals(io.safealloc.shell.report.PressureReport.NONE, commands.pressure(), "no source configured");
        assertEquals(0, shellFigures().allocations());
    }

    @Test
    void aClosedAllocatorViewGivesOneLineToo() {
        shellView.close();
        String output = commands.alloc("16");
        assertTrue(output.startsWith("mem:alloc failed: the allocator view of io.safealloc.shell [5] is closed"),
                output);
        assertOneLineWithoutStackTrace(output);
    }

    @Test
    void statsAndLeaksShowTheShellsOwnAllocations() {
        commands.alloc("3000");
        String stats = commands.stats();
        assertTrue(stats.startsWith("global: in use 2.9 KiB (3000 bytes)"), stats);
        assertTrue(Pattern.compile("^io\\.safealloc\\.shell +5 +2\\.9 KiB ", Pattern.MULTILINE).matcher(stats).find(),
                stats);
        String leaks = commands.leaks("io.safealloc.shell");
        assertTrue(Pattern.compile("^io\\.safealloc\\.shell +5 +1 +3000 ", Pattern.MULTILINE).matcher(leaks).find(),
                leaks);
        assertEquals("no bundle 99 is installed (give a symbolic name or a bundle id, as lb lists them)",
                commands.leaks("99"));
    }

    @Test
    void leaksTellsAnInstalledBundleThatHoldsNothingFromOneThatDoesNotExist() {
        assertEquals("no live allocations for bundle 0", commands.leaks("0"), "the system bundle exists");
        assertEquals("no live allocations for bundle org.apache.felix.framework",
                commands.leaks("org.apache.felix.framework"));
        assertEquals("no bundle nosuchbundle is installed (give a symbolic name or a bundle id, as lb lists them)",
                commands.leaks("nosuchbundle"));
    }

    @Test
    void deactivationFreesWhatTheOperatorStillHeld() {
        commands.alloc("1k");
        commands.alloc("2k");
        commands.deactivate();
        assertEquals(0, shellFigures().bytesInUse());
        assertEquals(2, shellFigures().frees());
    }

    @Test
    void limitWithoutArgumentsShowsTheBudget() {
        assertEquals("limit 1.0 MiB (1048576 bytes), warning at 870.4 KiB (891289 bytes, 85 %)", commands.limit());
        allocator.configure(allocator.config().withLimit(0));
        assertEquals("limit none", commands.limit());
    }

    @Test
    void limitUpdatesOnlyTheLimitOfTheAllocatorConfigurationAndWaitsForItToApply() throws Exception {
        ConfigurationAdmin admin = felix.configurationAdmin();
        Configuration existing = admin.getConfiguration(AllocatorConstants.PID, "?");
        Dictionary<String, Object> initial = new Hashtable<>();
        initial.put(AllocatorConstants.LIMIT, 1L << 20);
        initial.put("warnPercent", 90);
        initial.put("defaultRecovery", "FAIL");
        existing.update(initial);
        // Stands in for the allocator's DS layer: a real Config Admin client applying the limit.
        Dictionary<String, Object> identity = new Hashtable<>();
        identity.put(Constants.SERVICE_PID, AllocatorConstants.PID);
        ServiceRegistration<ManagedService> client = felix.context().registerService(ManagedService.class,
                properties -> {
                    if (properties != null) {
                        allocator.configure(allocator.config().withLimit(((Number) properties.get(AllocatorConstants.LIMIT)).longValue()));
                    }
                }, identity);
        commands.setConfigurationAdmin(admin);
        try {
            String output = commands.limit("64m");

            assertEquals("limit set to 64.0 MiB (67108864 bytes) in configuration io.safealloc.allocator: applied",
                    output);
            assertEquals(64L << 20, allocator.stats().limit());
            Dictionary<String, Object> stored = admin.getConfiguration(AllocatorConstants.PID, "?").getProperties();
            assertEquals(64L << 20, stored.get(AllocatorConstants.LIMIT));
            assertEquals(90, stored.get("warnPercent"));
            assertEquals("FAIL", stored.get("defaultRecovery"));
            assertEquals("limit 64.0 MiB (67108864 bytes), warning at 54.4 MiB (57042534 bytes, 85 %)",
                    commands.limit());
        } finally {
            client.unregister();
        }
    }

    @Test
    void limitCreatesTheConfigurationUnboundWhenThereIsNoneAndSaysWhenNotYetApplied() throws Exception {
        ConfigurationAdmin admin = felix.configurationAdmin();
        MemCommands impatient = new MemCommands(shellView, felix.context(), Duration.ZERO);
        impatient.setConfigurationAdmin(admin);

        String output = impatient.limit("512k");

        assertEquals("limit set to 512.0 KiB (524288 bytes) in configuration io.safealloc.allocator: stored, "
                + "not applied yet (see the log if the allocator rejected it)", output);
        Configuration[] stored = admin.listConfigurations("(service.pid=" + AllocatorConstants.PID + ")");
        assertEquals(1, stored.length);
        assertEquals(524288L, stored[0].getProperties().get(AllocatorConstants.LIMIT));
        // Multi-location "?": the allocator bundle, not the shell, must be able to receive it.
        assertEquals("?", stored[0].getBundleLocation());
        // That the gateway's banner reads this limit back is asserted in its StartupBannerTest.
    }

    @Test
    void limitZeroMeansNoBudget() throws Exception {
        MemCommands impatient = new MemCommands(shellView, felix.context(), Duration.ZERO);
        impatient.setConfigurationAdmin(felix.configurationAdmin());
        assertTrue(impatient.limit("0").startsWith("limit set to none in configuration io.safealloc.allocator"));
    }

    @Test
    void limitCannotBeSetWithoutConfigAdmin() {
        assertEquals("mem:limit: Config Admin is not available, the budget cannot be changed", commands.limit("64m"));
        commands.setConfigurationAdmin(felix.configurationAdmin());
        commands.unsetConfigurationAdmin(felix.configurationAdmin());
        assertEquals("mem:limit: Config Admin is not available, the budget cannot be changed", commands.limit("64m"));
        assertEquals(1L << 20, allocator.stats().limit());
    }

    @Test
    void handlersAreListedInTheFrameworksDecisionOrder() {
        HandlersFixture.registerFive(felix.context());

        String[] lines = commands.handlers().split("\n");

        assertTrue(Pattern.matches("# +RANKING +SERVICE\\.ID +BUNDLE +NAME +CLASS +DESCRIPTION", lines[0]), lines[0]);
        assertTrue(lines[1].matches("1 +1000 +\\d+ +org\\.apache\\.felix\\.framework +guard +"
                + "io\\.safealloc\\.shell\\.HandlersFixture\\$Guard +-"), lines[1]);
        assertTrue(lines[2].matches("2 +100 +\\d+ +org\\.apache\\.felix\\.framework +gc +"
                + "io\\.safealloc\\.shell\\.HandlersFixture\\$Collector +request a GC and wait"), lines[2]);
        assertTrue(lines[3].matches("3 +100 +\\d+ .* cache-evicting .*"), lines[3]);
        assertTrue(lines[4].matches("4 +0 +\\d+ .* audit .*"), lines[4]);
        assertTrue(lines[5].matches("5 +0 +\\d+ .* last-resort .*"), lines[5]);
        assertEquals(HandlersReport.DEFAULT_LINE, lines[6]);
        assertEquals(7, lines.length);
    }

    @Test
    void withoutHandlersOnlyTheDefaultDecides() {
        assertEquals("no MemHandler registered\n" + HandlersReport.DEFAULT_LINE, commands.handlers());
    }

    /** The default configuration of the allocator must not be ABORT here: a failing test would end the JVM. */
    @Test
    void theTestAllocatorFailsInsteadOfAborting() {
        assertEquals(Recovery.FAIL, allocator.config().defaultRecovery());
        assertEquals(AllocatorConfig.DEFAULTS.maxAllocation(), allocator.config().maxAllocation());
    }

    @Test
    void aTypoInMemAllocNeverAbortsTheGatewayNorAsksTheHandlers() {
        AtomicInteger aborts = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        SafeAllocator production = SafeAllocator.builder().silent()
                .config(AllocatorConfig.DEFAULTS.withLimit(1L << 20).withMaxAllocation(200L << 30)
                        .withDefaultRecovery(Recovery.ABORT))
                .abortAction((event, code) -> aborts.incrementAndGet()).build();
        production.handlers().add(event -> {
            asked.incrementAndGet();
            return Recovery.ABORT;
        }, 1000);
        MemCommands typing = new MemCommands(production.open(new Owner(5, "io.safealloc.shell")), felix.context(),
                Duration.ZERO);

        assertEquals("mem:alloc failed: LIMIT (global budget) for 99.0 GiB (106300440576 bytes), decision FAIL",
                typing.alloc("99g"));
        assertEquals("mem:alloc failed: TOO_BIG for 9.0 TiB (9895604649984 bytes), decision FAIL", typing.alloc("9t"));
        assertEquals(0, aborts.get(), "the process would have ended");
        assertEquals(0, asked.get(), "no handler (nor the crash-loop guard) saw the typo");
        assertEquals(2, production.stats().failures().values().stream().mapToLong(Long::longValue).sum(),
                "the failures are still counted");
    }

    @Test
    void aDrillGoesThroughTheHandlersAsABundlesAllocationWould() {
        AtomicInteger asked = new AtomicInteger();
        allocator.handlers().add(event -> {
            asked.incrementAndGet();
            return Recovery.FAIL;
        }, 0);
        assertEquals("mem:alloc failed: LIMIT (global budget) for 2.0 MiB (2097152 bytes), decision FAIL",
                commands.alloc("--drill", "2m"));
        assertEquals(1, asked.get(), "the handlers decided");
        assertTrue(commands.alloc("--drill", "1k").startsWith("allocated #1: 1.0 KiB"));
        assertEquals(MemCommands.USAGE_ALLOC, commands.alloc("--drill"));
        assertEquals(MemCommands.USAGE_ALLOC, commands.alloc("--fire", "1k"));
    }
}
