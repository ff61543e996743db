package io.safealloc.allocator.core;

import static io.safealloc.api.PressureLevel.CRITICAL;
import static io.safealloc.api.PressureLevel.HIGH;
import static io.safealloc.api.PressureLevel.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.allocator.core.pressure.FixtureTree;
import io.safealloc.allocator.core.pressure.PressureConfig;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureReading;
import io.safealloc.api.PressureSource;
import io.safealloc.api.Recovery;

/**
 * Pressure crossings through the same ranked handler chain as allocation failures: the container
 * source polled from a fixture tree whose figures the test changes.
 */
class PressureTest {

    private static final long LIMIT = 1_000_000;

    @TempDir
    Path root;

    private final RecordingLogger log = new RecordingLogger();
    private final CompletableFuture<MemEvent> aborted = new CompletableFuture<>();
    private final SafeAllocator allocator = SafeAllocator.builder().logger(log)
            .abortAction((event, code) -> aborted.complete(event)).build();
    private FixtureTree tree;

    @AfterEach
    void stop() {
        allocator.closePressure();
    }

    /** The container source on a cgroup v2 fixture, created at 10 % on first use. */
    private PressureConfig container() {
        if (tree == null) {
            tree = new FixtureTree(root).cgroupV2(String.valueOf(LIMIT), 100_000);
        }
        return PressureConfig.OFF.withSources(EnumSet.of(PressureSource.CONTAINER)).withRoot(root).withIntervalMillis(10);
    }

    /** Records every pressure event it sees, then decides {@code decision}. */
    private static final class Recorder implements io.safealloc.api.MemHandler {
        final BlockingQueue<MemEvent> seen = new LinkedBlockingQueue<>();
        final String name;
        final BlockingQueue<String> order;
        volatile Recovery decision = Recovery.DEFER;

        Recorder(String name, BlockingQueue<String> order) {
            this.name = name;
            this.order = order;
        }

        @Override
        public Recovery handle(MemEvent event) {
            seen.add(event);
            order.add(name + " " + event.pressure().map(PressureReading::level).orElse(null));
            return decision;
        }

        MemEvent next() throws InterruptedException {
            MemEvent e = seen.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, name + " saw no pressure event within 10 s");
            return e;
        }
    }

    private static PressureLevel level(MemEvent e) {
        return e.pressure().orElseThrow().level();
    }

    @Test
    void everyCrossingRisingAndFallingReachesTheHandlersOnceWithHysteresis() throws Exception {
        BlockingQueue<String> order = new LinkedBlockingQueue<>();
        Recorder handler = new Recorder("h", order);
        allocator.handlers().add(handler, 0);
        allocator.configurePressure(container());

        tree.v2Current(860_000);
        MemEvent high = handler.next();
        assertEquals(Cause.PRESSURE, high.cause());
        assertEquals(PressureSource.CONTAINER, high.pressure().orElseThrow().source());
        assertEquals(HIGH, level(high));
        assertEquals(NORMAL, high.previousPressureLevel());
        assertEquals(0, high.size());
        assertEquals(MemEvent.NO_BUNDLE_ID, high.bundleId());
        assertEquals(86.0, high.pressure().orElseThrow().percent(), 1e-9);

        tree.v2Current(960_000);
        MemEvent critical = handler.next();
        assertEquals(CRITICAL, level(critical));
        assertEquals(HIGH, critical.previousPressureLevel());

        tree.v2Current(920_000); // below 95 but within the hysteresis: no event
        awaitReading(r -> r.percent() == 92.0);
        tree.v2Current(100_000);
        MemEvent normal = handler.next();
        assertEquals(NORMAL, level(normal));
        assertEquals(CRITICAL, normal.previousPressureLevel());
        assertNull(handler.seen.poll(100, TimeUnit.MILLISECONDS), "one event per crossing, not per measurement");
        assertEquals(3, allocator.stats().failures().get(Cause.PRESSURE), "counted in the global figures");
        assertTrue(log.contains("WARNING Memory pressure: CONTAINER NORMAL -> HIGH 86.0 % (thresholds 85 / 95 %): cgroup v2"),
                log.lines.toString());
        awaitLog("INFO Memory pressure eased: CONTAINER CRITICAL -> NORMAL 10.0 %"); // the default handler, after ours
    }

    @Test
    void theHigherRankedHandlerSeesPressureFirstAndFailAcknowledges() throws Exception {
        BlockingQueue<String> order = new LinkedBlockingQueue<>();
        Recorder low = new Recorder("low", order);
        Recorder high = new Recorder("high", order);
        allocator.handlers().add(low, 10);
        allocator.handlers().add(high, 20);
        allocator.configurePressure(container());
        tree.v2Current(900_000);
        assertEquals("high HIGH", order.poll(10, TimeUnit.SECONDS));
        assertEquals("low HIGH", order.poll(10, TimeUnit.SECONDS));

        high.decision = Recovery.FAIL;
        tree.v2Current(990_000);
        assertEquals("high CRITICAL", order.poll(10, TimeUnit.SECONDS));
        tree.v2Current(100_000);
        assertEquals("high NORMAL", order.poll(10, TimeUnit.SECONDS));
        assertFalse(order.contains("low CRITICAL"), "FAIL ends the walk: " + order);
        assertFalse(log.contains("CONTAINER HIGH -> CRITICAL"), "nor reaches the default handler");
    }

    @Test
    void aHandlerSwappedInTakesOverForTheNextCrossing() throws Exception {
        BlockingQueue<String> order = new LinkedBlockingQueue<>();
        Recorder first = new Recorder("first", order);
        HandlerChain.Registration registration = allocator.handlers().add(first, 0);
        allocator.configurePressure(container());
        tree.v2Current(900_000);
        assertEquals("first HIGH", order.poll(10, TimeUnit.SECONDS));
        registration.unregister();
        allocator.handlers().add(new Recorder("second", order), 0);
        tree.v2Current(100_000);
        assertEquals("second NORMAL", order.poll(10, TimeUnit.SECONDS));
        assertNull(order.poll(100, TimeUnit.MILLISECONDS), "the unregistered handler was not asked: " + order);
    }

    @Test
    void retryMeasuresAgainAndAsksAgainWhileTheLevelStays() throws Exception {
        BlockingQueue<String> order = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        allocator.handlers().add(event -> {
            order.add(event.attempt() + " " + level(event));
            if (calls.incrementAndGet() == 2) {
                tree.v2Current(100_000); // "I freed something"
            }
            return event.previousPressureLevel() == NORMAL ? Recovery.RETRY : Recovery.DEFER;
        }, 0);
        allocator.configurePressure(container());
        tree.v2Current(900_000);
        assertEquals("1 HIGH", order.poll(10, TimeUnit.SECONDS));
        assertEquals("2 HIGH", order.poll(10, TimeUnit.SECONDS), "measured again: still HIGH, asked again");
        assertEquals("1 NORMAL", order.poll(10, TimeUnit.SECONDS), "the fall the handler caused is a crossing of its own");
        assertNull(order.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void abortOnlyWhenConfiguredAndOnlyForCritical() throws Exception {
        allocator.configurePressure(container());
        tree.v2Current(990_000);
        awaitLog("CONTAINER NORMAL -> CRITICAL");
        assertTrue(log.contains("default decision DEFER"), log.lines.toString());
        assertFalse(aborted.isDone(), "pressureRecovery is off by default");

        allocator.configurePressure(container().withRecovery(Recovery.ABORT)); // a new session: levels start at NORMAL
        MemEvent abort = aborted.get(10, TimeUnit.SECONDS);
        assertEquals(CRITICAL, level(abort));
        assertTrue(log.contains("ERROR Memory pressure CONTAINER CRITICAL: aborting, exit code 70"), log.lines.toString());
    }

    @Test
    void aHandlerThatAbortsStopsGracefully() throws Exception {
        allocator.handlers().add(event -> level(event) == HIGH ? Recovery.ABORT : Recovery.DEFER, 0);
        allocator.configurePressure(container());
        tree.v2Current(870_000);
        assertEquals(HIGH, level(aborted.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void aSourceThatBreaksIsSwitchedOffWithOneLineAndAllocationsGoOn() throws Exception {
        allocator.configurePressure(container());
        tree.write("/sys/fs/cgroup/app/memory.current", "garbage\n");
        awaitReading(r -> !r.active());
        assertEquals("off: /sys/fs/cgroup/app/memory.current (under " + root + ") holds 'garbage', not a number of bytes",
                allocator.pressure().get(0).detail());
        assertTrue(log.contains("WARNING memory pressure CONTAINER: source off: /sys/fs/cgroup/app/memory.current"));
        allocator.unowned().rFree(allocator.unowned().rAlloc(64));
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void sourcesThatCannotBeReadAtStartAreOffAndSayWhy() {
        allocator.configurePressure(PressureConfig.OFF.withRoot(root).withSources(
                EnumSet.of(PressureSource.CONTAINER, PressureSource.SYSTEM, PressureSource.DIRECT)));
        List<PressureReading> readings = allocator.stats().pressure();
        assertEquals(List.of(PressureSource.DIRECT, PressureSource.CONTAINER, PressureSource.SYSTEM),
                readings.stream().map(PressureReading::source).toList());
        assertTrue(readings.get(0).active(), "direct buffers need no file");
        assertFalse(readings.get(1).active());
        assertTrue(readings.get(1).detail().startsWith("off: cannot read /proc/self/cgroup"), readings.get(1).detail());
        assertFalse(readings.get(2).active());
        assertTrue(readings.get(2).detail().startsWith("off: cannot read /proc/meminfo"), readings.get(2).detail());
    }

    @Test
    void noSourceNoThreadAndTheThreadEndsWithThePressure() throws Exception {
        allocator.configurePressure(PressureConfig.OFF);
        assertFalse(pressureThreadAlive());
        allocator.configurePressure(container());
        assertTrue(pressureThreadAlive());
        allocator.closePressure();
        await(() -> !pressureThreadAlive(), "the pressure thread ended");
        assertTrue(allocator.pressure().isEmpty());
    }

    @Test
    void theLimitShrinksWhileTheContainerIsPressedAndComesBack() throws Exception {
        allocator.configurePressure(container().withShrinkPercent(50));
        allocator.configure(AllocatorConfig.DEFAULTS.withLimit(64 << 20));
        tree.v2Current(900_000);
        await(() -> allocator.config().limit() == 32 << 20, "limit shrunk to 50 %");
        awaitLog("container pressure HIGH: limit in force 33554432 bytes (50 % of the configured one"); // logged after
        tree.v2Current(100_000);
        await(() -> allocator.config().limit() == 64 << 20, "limit back");
    }

    @Test
    void aContainerSourceThatBreaksWhilePressedGivesTheLimitBack() throws Exception {
        allocator.configurePressure(container().withShrinkPercent(50));
        allocator.configure(AllocatorConfig.DEFAULTS.withLimit(64 << 20));
        tree.v2Current(900_000);
        await(() -> allocator.config().limit() == 32 << 20, "limit shrunk to 50 %");
        tree.write("/sys/fs/cgroup/app/memory.current", "gone\n");
        await(() -> allocator.config().limit() == 64 << 20, "the configured limit once nothing measures the container");
    }

    @Test
    void limitAutoFollowsTheContainerLimit() throws Exception {
        allocator.configurePressure(container());
        allocator.configure(AllocatorConfig.DEFAULTS, LimitPolicy.auto(0));
        long heapAndDirect = Runtime.getRuntime().maxMemory() + io.safealloc.allocator.core.pressure.JvmMemory.maxDirect();
        assertEquals(io.safealloc.allocator.core.pressure.AutoLimit.MINIMUM, allocator.config().limit(),
                "1 MB of container leaves nothing");
        long big = heapAndDirect + (256L << 20);
        tree.v2Max(String.valueOf(big));
        await(() -> allocator.config().limit() == 256L << 20, "recomputed when the container limit changed");
        awaitLog("INFO the container limit changed: limit=auto: 256.0 MiB = container limit");
        assertTrue(log.contains("INFO the container limit changed: limit=auto: 256.0 MiB = container limit"),
                log.lines.toString());
    }

    private static boolean pressureThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("safealloc-pressure") && t.isAlive());
    }

    private void awaitReading(java.util.function.Predicate<PressureReading> condition) throws InterruptedException {
        await(() -> allocator.pressure().stream().anyMatch(condition), "a reading as expected: " + allocator.pressure());
    }

    private void awaitLog(String text) throws InterruptedException {
        await(() -> log.contains(text), "log line " + text);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(5); // polling a condition with a deadline, not a timed wait for an event
        }
    }
}
