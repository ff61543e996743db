package io.safealloc.itests.tb2;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;

/**
 * Test bundle tb2: a bundle that allocates, resizes and frees random sizes (1 B to 256 KiB) on a
 * thread of its own for as long as it is active, as a device driver would, and stops with whatever
 * it still holds (the allocator releases that when the bundle stops).
 *
 * <p>Every other stop is <em>sloppy</em>: deactivate signals the worker but does not wait for it, as
 * a bundle that does not stop its thread, so the call the worker has in flight races the release of
 * tb2's memory (and the closing of its allocator view). The worker ends by itself: it makes no call
 * once it has seen the signal, and stops at the first {@code IllegalStateException} (a closed view).
 *
 * <p>About one call in eight is an arena round instead: a confined or a shared arena from the
 * service, one to four blocks allocated and written in it, closed (try-with-resources, so an arena
 * that tb2's stop closed or revoked meanwhile is still closed and freed by the worker).
 *
 * <p>Everything goes to the stress test's sink, a {@code Consumer} service with
 * {@code safealloc.stress=sink}; only JDK types cross, since the two bundles share no class of their
 * own:
 * <ul>
 * <li>an exception a call threw before the stop signal, as it is;</li>
 * <li>an exception a call threw once the signal was given, wrapped in a
 *     {@link CancellationException} with message {@link #AFTER_STOP} and the original as cause: the
 *     test accepts only what the allocator documents for calls racing a release;</li>
 * <li>when the worker ends, once, a {@code Map<String, Long>} report ({@link #DONE} = 1, and the
 *     counters below): the test waits for it before the next start and before any checkpoint.</li>
 * </ul>
 * The component needs the sink, so it only runs while a stress test is listening.
 */
@Component(immediate = true)
public class AllocatingWorkload {

    // The test spells these out again (FailureLedger): the bundles share no class, not even for constants.
    /** Message of the wrapper of an exception thrown after the stop signal. */
    static final String AFTER_STOP = "tb2: thrown after the stop signal";
    /** Report keys. */
    static final String DONE = "tb2.done", SLOPPY = "tb2.sloppy", RESIZES = "tb2.resizes",
            RESIZES_FAILED = "tb2.resizes.failed", RACED_ALLOC = "tb2.raced.rAlloc",
            RACED_REALLOC = "tb2.raced.rRealloc", RACED_FREE = "tb2.raced.rFree", ARENAS = "tb2.arenas";

    private static final double LOG_MAX_SIZE = Math.log(256 * 1024);
    private static final int MAX_HELD = 16;
    /**
     * Activations so far. A static survives stop and start (the bundle's class loader stays as long as
     * it is not updated), so every other activation is one whose stop will be sloppy.
     */
    private static final AtomicLong ACTIVATIONS = new AtomicLong();

    @Reference
    private AllocatorService allocator;

    @Reference(target = "(safealloc.stress=sink)")
    private Consumer<Object> sink;

    private Worker worker;
    private Thread thread;

    @Activate
    void activate() {
        boolean sloppy = ACTIVATIONS.getAndIncrement() % 2 == 1;
        // The worker keeps its own references: SCR may clear the fields once the component is
        // deactivated, while a sloppy worker still runs.
        worker = new Worker(allocator, sink, sloppy);
        thread = Thread.ofPlatform().name("tb2-allocating-workload").daemon().start(worker::work);
    }

    /**
     * Polite: stops the worker before DS releases the allocator service, as a bundle should.
     * Sloppy: only signals it, and returns at once.
     */
    @Deactivate
    void deactivate() throws InterruptedException {
        worker.signalStop();
        if (!worker.sloppy && !thread.join(Duration.ofSeconds(30))) {
            sink.accept(new IllegalStateException("tb2's worker did not stop within 30 s"));
        }
    }

    private static final class Worker {
        private final AllocatorService allocator;
        private final Consumer<Object> sink;
        final boolean sloppy;
        /**
         * Guards the worker's writes into the memory it got against the stop signal: once the signal
         * is given, the worker writes nothing. Without it, a sloppy worker could write into a block
         * the release just freed (FAST mode: a write into freed libc memory, which no allocator can
         * make safe; CHECKED: a JDK "Already closed"). Only the writes are guarded, never a call:
         * the calls still race the release.
         */
        private final Object writing = new Object();
        private volatile boolean stopSignal;
        private long resizes;
        private long resizesFailed;
        private long arenas;
        private final long[] raced = new long[3];

        private static final int ALLOC = 0, REALLOC = 1, FREE = 2;

        Worker(AllocatorService allocator, Consumer<Object> sink, boolean sloppy) {
            this.allocator = allocator;
            this.sink = sink;
            this.sloppy = sloppy;
        }

        void signalStop() {
            synchronized (writing) {
                stopSignal = true;
            }
        }

        void work() {
            SplittableRandom random = new SplittableRandom();
            List<MemorySegment> held = new ArrayList<>();
            try {
                while (!stopSignal) { // no new call once the signal is seen
                    int choice = random.nextInt(4);
                    int kind = held.isEmpty() || held.size() < MAX_HELD && choice < 2 ? ALLOC
                            : choice == 2 ? REALLOC : FREE;
                    boolean arenaRound = random.nextInt(8) == 0;
                    Throwable thrown = null;
                    try {
                        if (arenaRound) {
                            arenaRound(random);
                        } else switch (kind) {
                            case ALLOC -> held.add(touch(allocator.rAlloc(size(random))));
                            case REALLOC -> {
                                int i = random.nextInt(held.size());
                                resizes++;
                                try {
                                    held.set(i, touch(allocator.rRealloc(held.get(i), size(random))));
                                } catch (MemoryAllocationException e) {
                                    resizesFailed++; // as C realloc: the original stays valid and held
                                    throw e;
                                }
                            }
                            default -> allocator.rFree(held.remove(random.nextInt(held.size())));
                        }
                    } catch (Throwable t) { // the test decides which ones are documented
                        thrown = t;
                    }
                    // Read once, right after the call: the call and its exception are classified alike.
                    boolean afterStop = stopSignal;
                    if (afterStop && sloppy && !arenaRound) {
                        // In flight when a sloppy stop was signalled: it may overlap the release of
                        // tb2's memory. (A polite stop releases only after this thread has ended.)
                        raced[kind]++;
                    }
                    if (thrown != null) {
                        sink.accept(afterStop ? afterStop(thrown) : thrown);
                        if (thrown instanceof Error || thrown instanceof IllegalStateException) {
                            return; // a closed view refuses every later call; an Error ends the thread
                        }
                    }
                }
                // Whatever is still held stays allocated: released (and reported as a leak) when tb2 stops.
            } finally {
                sink.accept(Map.of(DONE, 1L, SLOPPY, sloppy ? 1L : 0L, RESIZES, resizes, RESIZES_FAILED, resizesFailed,
                        RACED_ALLOC, raced[ALLOC], RACED_REALLOC, raced[REALLOC], RACED_FREE, raced[FREE], ARENAS, arenas));
            }
        }

        /** Blocks die with their arena: an arena's bytes are back when it closes, whatever happened. */
        private void arenaRound(SplittableRandom random) {
            arenas++;
            try (Arena arena = random.nextBoolean() ? allocator.confinedArena() : allocator.sharedArena()) {
                for (int blocks = 1 + random.nextInt(4); blocks > 0; blocks--) {
                    touch(arena.allocate(size(random) / 4 + 1));
                }
            }
        }

        private static long size(SplittableRandom random) {
            return (long) Math.exp(random.nextDouble() * LOG_MAX_SIZE); // 1 B .. 256 KiB, log-uniform
        }

        /** Writes the last byte of a block just received, unless the stop was signalled meanwhile. */
        private MemorySegment touch(MemorySegment s) {
            synchronized (writing) {
                if (!stopSignal) {
                    s.set(ValueLayout.JAVA_BYTE, s.byteSize() - 1, (byte) 1);
                }
            }
            return s;
        }

        private static CancellationException afterStop(Throwable t) {
            CancellationException wrapper = new CancellationException(AFTER_STOP);
            wrapper.initCause(t);
            return wrapper;
        }
    }
}
