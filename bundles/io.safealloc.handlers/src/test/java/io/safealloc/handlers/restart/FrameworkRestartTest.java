package io.safealloc.handlers.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;
import io.safealloc.handlers.Allocators;
import io.safealloc.handlers.RecordingLogger;
import io.safealloc.handlers.TestEvent;

/** The restart handler announces, then restarts, once; the restart itself is injected here. */
class FrameworkRestartTest {

    private final RecordingLogger log = new RecordingLogger();
    /** What happened, in order: "announce" with the announced properties, "restart". */
    private final List<String> steps = Allocators.recorder();
    private final List<Map<String, Object>> announcements = Allocators.recorder();
    private final AtomicInteger restarts = new AtomicInteger();

    private FrameworkRestart handler() {
        return new FrameworkRestart(properties -> {
            steps.add("announce");
            announcements.add(properties);
        }, () -> {
            steps.add("restart");
            restarts.incrementAndGet();
        }, log);
    }

    @Test
    void onAnAllocationErrorItAnnouncesThenRestartsAndTheCallFailsInsteadOfAborting() {
        List<Integer> aborts = Allocators.recorder();
        SafeAllocator allocator = Allocators.aborting(4096, aborts, () -> { });
        allocator.handlers().add(handler(), -100);
        OwnerView sensor = allocator.open(new Owner(2, "sensor"));
        MemorySegment held = sensor.rAlloc(3000);

        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> sensor.rAlloc(2000));

        assertEquals(Recovery.FAIL, e.decision());
        assertEquals(List.of(), aborts, "the default handler (ABORT) was never reached");
        assertEquals(List.of("announce", "restart"), steps, "announced synchronously before the restart");
        Map<String, Object> announced = announcements.get(0);
        assertEquals("restart", announced.get("action"));
        assertEquals("LIMIT", announced.get("cause"));
        assertEquals(2000L, announced.get("size"));
        assertEquals(3000L, announced.get("bytesInUse"));
        assertEquals(4096L, announced.get("limit"));
        assertEquals("GLOBAL", announced.get("budget"));
        assertEquals(1, announced.get("attempt"));
        assertEquals(2L, announced.get("bundle.id"));
        assertEquals("sensor", announced.get("bundle.symbolicName"));
        assertTrue(log.contains("ERROR Memory allocation error for 2000 bytes (LIMIT, 3000 of 4096 bytes in use, "
                + "requested by sensor): restarting the OSGi framework"), log.lines.toString());
        sensor.rFree(held);
        sensor.release();
    }

    @Test
    void whileTheRestartIsUnderWayFurtherEventsFailWithoutAnotherRestart() {
        FrameworkRestart restart = handler();
        assertEquals(Recovery.FAIL, restart.handle(TestEvent.of(Cause.FAIL, 100, 0, 0)));
        assertEquals(Recovery.FAIL, restart.handle(TestEvent.of(Cause.TOO_BIG, 100, 0, 0)));
        assertEquals(Recovery.FAIL, restart.handle(TestEvent.of(Cause.LIMIT, 100, 0, 0)));
        assertEquals(1, restarts.get());
        assertEquals(1, announcements.size());
        assertTrue(restart.restarting());
    }

    @Test
    void concurrentEventsRestartExactlyOnce() throws Exception {
        FrameworkRestart restart = handler();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Recovery>> decisions = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                decisions.add(pool.submit(() -> {
                    start.await();
                    return restart.handle(TestEvent.of(Cause.LIMIT, 100, 0, 0));
                }));
            }
            start.countDown();
            for (Future<Recovery> decision : decisions) {
                assertEquals(Recovery.FAIL, decision.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, restarts.get());
        assertEquals(1, announcements.size());
    }

    @Test
    void aWarningIsDeferredAndRestartsNothing() {
        assertEquals(Recovery.DEFER, handler().handle(TestEvent.of(Cause.WARNING, 100, 0, 0)));
        assertEquals(List.of(), steps);
    }

    @Test
    void aRestartThatCannotStartIsLoggedAndTheNextEventTriesAgain() {
        AtomicInteger attempts = new AtomicInteger();
        FrameworkRestart restart = new FrameworkRestart(announcements::add, () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("framework busy");
        }, log);

        assertEquals(Recovery.FAIL, restart.handle(TestEvent.of(Cause.LIMIT, 100, 0, 0)));
        assertTrue(log.contains("ERROR the framework restart could not be started; the allocation fails "
                + "java.lang.IllegalStateException: framework busy"), log.lines.toString());
        assertEquals(Recovery.FAIL, restart.handle(TestEvent.of(Cause.LIMIT, 100, 0, 0)));
        assertEquals(2, attempts.get());
        assertEquals(2, announcements.size(), "each attempt is announced: the guard counts it");
    }

    @Test
    void anAnnouncementThatThrowsDoesNotPreventTheRestart() {
        FrameworkRestart restart = new FrameworkRestart(properties -> {
            throw new IllegalStateException("event admin gone");
        }, restarts::incrementAndGet, log);
        assertEquals(Recovery.FAIL, restart.handle(TestEvent.of(Cause.LIMIT, 100, 0, 0)));
        assertEquals(1, restarts.get());
        assertTrue(log.contains("announcing the restart failed; restarting anyway"), log.lines.toString());
    }
}
