package io.safealloc.gateway.banner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.ConfigurationAdmin;

import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorConstants;
import io.safealloc.shell.Allocators;
import io.safealloc.shell.EmbeddedFelix;
import io.safealloc.shell.HandlersFixture;
import io.safealloc.shell.limit.LimitSetting;
import io.safealloc.shell.report.HandlerDirectory;

/**
 * When the banner is printed and what it says, with a real allocator, a real service registry for
 * the handlers and the real Config Admin. Time is passed in: no test waits.
 */
class StartupBannerTest {

    private static final long START = 1_000_000_000L;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path storage;

    private EmbeddedFelix felix;
    private SafeAllocator allocator;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final AtomicBoolean started = new AtomicBoolean(true);
    private final AtomicReference<OptionalLong> configured = new AtomicReference<>(OptionalLong.empty());

    @BeforeEach
    void setUp() throws Exception {
        felix = EmbeddedFelix.start(storage, true);
        allocator = Allocators.withLimit(64L << 20);
    }

    @AfterEach
    void tearDown() throws Exception {
        felix.close();
    }

    private StartupBanner banner(int expectedHandlers, long waitSeconds) {
        return new StartupBanner(allocator.unowned(), new HandlerDirectory(felix.context()), started::get, configured::get,
                expectedHandlers, START, waitSeconds, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSettledGatewayGetsItsBannerAtOnceAndOnlyOnce() {
        StartupBanner banner = banner(0, 5);

        assertTrue(banner.printIfReady(START));
        assertTrue(banner.printIfReady(START + 1));

        assertEquals("SafeAlloc gateway ready: budget 64.0 MiB (warn at 85 %), handlers: none\n", printed());
    }

    @Test
    void theBannerWaitsForTheExpectedHandlersAndListsThemInDecisionOrder() {
        StartupBanner banner = banner(2, 5);
        HandlersFixture.register(felix.context(), new HandlersFixture.Collector(), 100, null, "io.safealloc.handlers.gc");

        assertFalse(banner.printIfReady(START + SECOND));
        assertEquals("", printed());

        HandlersFixture.register(felix.context(), new HandlersFixture.Guard(), 1000, null, null);
        assertTrue(banner.printIfReady(START + 2 * SECOND));
        assertEquals("SafeAlloc gateway ready: budget 64.0 MiB (warn at 85 %), handlers: guard(1000), gc(100)\n",
                printed());
    }

    @Test
    void theBannerWaitsForTheFrameworkToFinishStarting() {
        started.set(false);
        StartupBanner banner = banner(0, 5);
        assertFalse(banner.printIfReady(START));
        started.set(true);
        assertTrue(banner.printIfReady(START + 1));
        assertEquals(1, printed().lines().count());
    }

    @Test
    void theBannerWaitsUntilTheAllocatorEnforcesItsConfiguredLimit() {
        allocator.configure(allocator.config().withLimit(0));
        configured.set(OptionalLong.of(32L << 20));
        StartupBanner banner = banner(0, 5);

        assertFalse(banner.printIfReady(START));

        allocator.configure(allocator.config().withLimit(32L << 20).withWarnPercent(90));
        assertTrue(banner.printIfReady(START + 1));
        assertEquals("SafeAlloc gateway ready: budget 32.0 MiB (warn at 90 %), handlers: none\n", printed());
    }

    @Test
    void afterTheDeadlineTheBannerIsPrintedAnywaySayingWhatIsMissing() {
        started.set(false);
        StartupBanner banner = banner(3, 5);
        HandlersFixture.register(felix.context(), new HandlersFixture.Guard(), 1000, null, null);

        assertFalse(banner.printIfReady(START + 5 * SECOND - 1));
        assertTrue(banner.printIfReady(START + 5 * SECOND));

        assertEquals("SafeAlloc gateway ready: budget 64.0 MiB (warn at 85 %), handlers: guard(1000) "
                + "(after 5 s still waiting for: framework start, 1 of 3 handlers)\n", printed());
    }

    @Test
    void aLaterConfigurationChangesWhatAPendingBannerWaitsFor() {
        StartupBanner banner = banner(1, 5);
        assertFalse(banner.printIfReady(START));
        banner.expect(0, 5);
        assertTrue(banner.printIfReady(START + 1));
        banner.expect(4, 5);
        assertTrue(banner.printIfReady(START + 2)); // printed already: nothing more
        assertEquals(1, printed().lines().count());
    }

    @Test
    void withoutABudgetTheBannerSaysNone() {
        allocator.configure(allocator.config().withLimit(0));
        assertTrue(banner(0, 5).printIfReady(START));
        assertEquals("SafeAlloc gateway ready: budget none, handlers: none\n", printed());
    }

    @Test
    void theConfiguredLimitIsReadFromConfigAdminWithoutCreatingAConfiguration() throws Exception {
        ConfigurationAdmin admin = felix.configurationAdmin();
        assertEquals(OptionalLong.empty(), ConfiguredLimit.of(admin));
        assertEquals(null, admin.listConfigurations(null));

        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(AllocatorConstants.LIMIT, "4194304");
        admin.getConfiguration(AllocatorConstants.PID, "?").update(properties);
        assertEquals(OptionalLong.of(4 << 20), ConfiguredLimit.of(admin));

        properties.put(AllocatorConstants.LIMIT, 8L << 20);
        admin.getConfiguration(AllocatorConstants.PID, "?").update(properties);
        assertEquals(OptionalLong.of(8 << 20), ConfiguredLimit.of(admin));

        properties.put(AllocatorConstants.LIMIT, "lots");
        admin.getConfiguration(AllocatorConstants.PID, "?").update(properties);
        assertEquals(OptionalLong.empty(), ConfiguredLimit.of(admin));

        // What mem:limit stores (moved here from the shell's MemCommandsTest with the banner).
        new LimitSetting(admin, () -> -1, Duration.ZERO).set(524288);
        assertEquals(OptionalLong.of(524288), ConfiguredLimit.of(admin));
    }
}
