package io.safealloc.itests;

import static io.safealloc.itests.Fixture.configure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectBundleInstaller;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.install.BundleInstaller;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.api.AllocatorService;

/**
 * Stress under hot-swap, in a real Felix: two threads allocate and free random sizes (1 B to 1 MiB)
 * against a budget, while a third registers, unregisters and re-ranks MemHandlers (RETRY after
 * freeing a reserve, DEFER, FAIL), a fourth starts and stops an allocating and resizing bundle (tb2;
 * every other stop sloppy, its worker's in-flight call racing the release of tb2's memory), and a fifth
 * changes limit and warnPercent (and now and then safety) through Config Admin. At every quiescent
 * checkpoint and at the end, {@link StressCheckpoint} proves the accounting exact and every failure
 * accounted for; bytes in use return to exactly where they started (0) once everything is freed and
 * tb2 stopped; every thread ends within the run's bound (otherwise: a thread dump), and nothing
 * throws but the documented MemoryAllocationException (and, for tb2's calls that raced its sloppy stop,
 * the documented closed-view and released-memory exceptions).
 *
 * <p>Short form (1 000 000 operations) in every build; long form:
 * {@code ./mvnw verify -pl itests -am -Dsafealloc.stress.ops=10000000}. The summary goes to
 * itests/target/stress-report.txt; replay a run's random choices with {@code -Dsafealloc.stress.seed}
 * in bnd/itests.bndrun's -runproperties.
 */
@Tag("stress")
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class StressTest {

    @InjectBundleContext
    BundleContext context;

    @InjectBundleInstaller
    BundleInstaller installer;

    @InjectService(timeout = 5000)
    AllocatorService allocator;

    @InjectService(timeout = 5000)
    ConfigurationAdmin configAdmin;

    @Test
    void allocatingWhileHandlersBundlesAndConfigurationChangeLosesNothing() throws Exception {
        StressSettings settings = StressSettings.from(context);
        HandlerConfigs.deleteAll(configAdmin, context); // only this run's handlers decide
        configure(configAdmin, allocator, 8 << 20, AllocatorConstants.WARN_PERCENT, 85, AllocatorConstants.MAX_RETRIES, 3);
        String me = FrameworkUtil.getBundle(getClass()).getSymbolicName();
        FailureLedger ledger = new FailureLedger(Set.of(me, BundleChurn.TB2));
        ledger.open(context);
        Bundle tb2 = installer.installBundle("tb2.jar", false);
        // Every warning crossing and every default decision is logged: millions of lines in the long
        // form. The ledger counts all of them; the log is quieted for the run (JUL backs System.Logger).
        java.util.logging.Logger allocatorLog = java.util.logging.Logger.getLogger(AllocatorConstants.PID);
        java.util.logging.Level logLevel = allocatorLog.getLevel();
        allocatorLog.setLevel(java.util.logging.Level.OFF);
        try {
            ledger.startAfterMarker(allocator);
            long start = System.nanoTime();
            long bytesBefore = allocator.stats().bytesInUse();
            long liveBefore = allocator.stats().liveAllocations();
            Summary summary = run(settings, ledger, tb2, me);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            long bytesAfter = allocator.stats().bytesInUse();
            summary.report(settings, took, ledger, bytesBefore, bytesAfter, allocator.stats().liveAllocations());
            assertEquals(0, bytesBefore, "nothing held when the run started");
            assertEquals(bytesBefore, bytesAfter, "bytes in use back to exactly where they started");
            assertEquals(liveBefore, allocator.stats().liveAllocations(), "live allocations back too");
            assertTrue(ledger.exceptions.get() > 0 && ledger.handlerRetries.get() > 0,
                    "the budget was tight enough to exercise failures and retries: " + ledger);
            // tb2 decides which stops are sloppy (every other activation, the first polite): a
            // mismatch means the races this run claims to have exercised did not happen.
            assertEquals(summary.bundles().cycles / 2, ledger.tb2SloppyStops.get(),
                    "every other one of tb2's " + summary.bundles().cycles + " stops was sloppy");
            // Arena rounds ran between the checkpoints, so each checkpoint's exact figures cover them too.
            assertTrue(ledger.tb2Arenas.get() > 0, "tb2 ran arena rounds");
            assertTrue(summary.arenaRounds() > 0, "the allocating threads ran arena rounds");
            assertTrue(ledger.tb2Resizes.get() > ledger.tb2ResizesFailed.get(), "tb2 resized what it held: " + ledger.tb2Resizes
                    + " resizes, " + ledger.tb2ResizesFailed + " failed");
        } finally {
            allocatorLog.setLevel(logLevel);
            tb2.uninstall();
            ledger.close();
            configure(configAdmin, allocator, 0);
        }
    }

    /** Runs the five threads, checks every checkpoint and the end, and joins them within the bound. */
    private Summary run(StressSettings settings, FailureLedger ledger, Bundle tb2, String me) throws Exception {
        List<AllocatingWorker> allocating = List.of(
                new AllocatingWorker(allocator, ledger, settings.seed() + 1),
                new AllocatingWorker(allocator, ledger, settings.seed() + 2));
        HandlerChurn handlers = new HandlerChurn(context, allocator, ledger, settings.seed() + 3);
        BundleChurn bundles = new BundleChurn(tb2, allocator, ledger);
        ConfigChurn configs = new ConfigChurn(configAdmin, allocator, settings.seed() + 5);
        long roundTimeout = Math.max(60_000, settings.bound().toMillis() / settings.rounds());
        StressRounds rounds = new StressRounds(5, allocating.size(), roundTimeout);
        StressCheckpoint checkpoint = new StressCheckpoint(allocator, ledger, me);

        ConcurrentLinkedQueue<Throwable> died = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        long perRound = settings.opsPerThreadPerRound();
        threads.add(start("stress-alloc-1", () -> allocating.get(0).run(rounds, perRound), rounds, died));
        threads.add(start("stress-alloc-2", () -> allocating.get(1).run(rounds, perRound), rounds, died));
        threads.add(start("stress-handlers", () -> handlers.run(rounds), rounds, died));
        threads.add(start("stress-bundle", () -> bundles.run(rounds), rounds, died));
        threads.add(start("stress-config", () -> configs.run(rounds), rounds, died));

        long deadline = System.nanoTime() + settings.bound().toNanos();
        try {
            for (int r = 1; r <= settings.rounds(); r++) {
                rounds.awaitPaused();
                failIfDied(died);
                long held = allocating.stream().mapToLong(AllocatingWorker::heldBytes).sum() + handlers.reserveBytes();
                checkpoint.verify("checkpoint " + r + " of " + settings.rounds(), held);
                rounds.resume(r < settings.rounds());
            }
        } catch (Throwable e) {
            // The dump first: once the run is aborted, the threads that hung move on.
            String dump = e instanceof TimeoutException ? ThreadDump.all() : "";
            rounds.abort();
            joinWithin(threads, deadline, died);
            if (e instanceof TimeoutException) {
                fail("a checkpoint was not reached within " + roundTimeout + " ms: hung?\n" + dump, e);
            }
            throw e;
        }
        joinWithin(threads, deadline, died);
        failIfDied(died);
        checkpoint.verify("the end", 0);
        return new Summary(allocating.stream().mapToLong(w -> w.ops).sum(),
                allocating.stream().mapToLong(w -> w.arenaRounds).sum(),
                allocating.stream().mapToLong(w -> w.arenaBlocks).sum(), handlers, bundles, configs);
    }

    private static Thread start(String name, Body body, StressRounds rounds, ConcurrentLinkedQueue<Throwable> died) {
        return Thread.ofPlatform().name(name).start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                died.add(e);
                rounds.abort(); // nobody waits for this thread at a checkpoint
            }
        });
    }

    private static void failIfDied(ConcurrentLinkedQueue<Throwable> died) {
        if (!died.isEmpty()) {
            AssertionError e = new AssertionError("a stress thread died: " + died.peek(), died.peek());
            died.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** No deadlock: every thread ends before the run's deadline, or the test fails with a thread dump. */
    private static void joinWithin(List<Thread> threads, long deadline, ConcurrentLinkedQueue<Throwable> died)
            throws InterruptedException {
        for (Thread t : threads) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (!t.join(Duration.ofMillis(left))) {
                fail(t.getName() + " did not finish within the run's bound: hung?\n" + ThreadDump.all());
            }
        }
    }

    /** The work of one stress thread. */
    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    /** What the run did, for the report file and the test output. */
    private record Summary(long ops, long arenaRounds, long arenaBlocks, HandlerChurn handlers, BundleChurn bundles,
            ConfigChurn configs) {

        void report(StressSettings settings, Duration took, FailureLedger ledger, long bytesBefore, long bytesAfter,
                long liveAfter) throws Exception {
            String text = String.format("StressTest: %d allocating operations (2 threads) in %.1f s, seed %d, %d checkpoints%n"
                    + "  arenas: the 2 threads %d rounds (%d blocks), tb2 %d rounds%n"
                    + "  handlers: %d registered, %d unregistered, %d re-ranked; tb2: %d start/stop cycles (%d sloppy stops), "
                    + "%d resizes (%d failed), calls that raced a sloppy stop: rAlloc %d, rRealloc %d, rFree %d; "
                    + "configuration: %d changes applied, %d invalid ones rejected, %d updates lost by SCR and saved again, slowest applied after %d ms%n"
                    + "  failures: %s%n"
                    + "  final: bytes in use %d (at start %d), live allocations %d%n",
                    ops, took.toMillis() / 1000.0, settings.seed(), settings.rounds(), arenaRounds, arenaBlocks,
                    ledger.tb2Arenas.get(), handlers.registrations,
                    handlers.unregistrations, handlers.reRankings, bundles.cycles, ledger.tb2SloppyStops.get(),
                    ledger.tb2Resizes.get(), ledger.tb2ResizesFailed.get(), ledger.racedAlloc.get(),
                    ledger.racedRealloc.get(), ledger.racedFree.get(), configs.changes,
                    configs.rejectedChanges, configs.lostUpdates, configs.slowestApplyMillis, ledger, bytesAfter, bytesBefore, liveAfter);
            System.out.print(text);
            if (settings.report() != null) {
                Files.writeString(Path.of(settings.report()), text, StandardCharsets.UTF_8);
            }
        }
    }
}
