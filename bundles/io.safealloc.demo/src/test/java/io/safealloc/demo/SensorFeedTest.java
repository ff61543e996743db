package io.safealloc.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;

/** The sensor feed against a real allocator: ticks are called directly, so nothing waits for a clock. */
class SensorFeedTest {

    private static final int FRAME = 4096;

    private SafeAllocator allocator;
    private OwnerView demo;

    @BeforeEach
    void setUp() {
        allocator = TestAllocators.withLimit(1L << 20);
        demo = allocator.open(new Owner(12, "io.safealloc.demo"));
    }

    @AfterEach
    void tearDown() {
        demo.close();
    }

    private BundleStats figures() {
        return allocator.stats().bundles().stream().filter(b -> b.bundleName().equals("io.safealloc.demo"))
                .findFirst().orElseThrow();
    }

    @Test
    void theReceiveBufferIsAllocatedOnceAndEachTickKeepsANativeCopy() {
        try (SensorFeed feed = new SensorFeed(demo, new SensorSettings(50, FRAME, 3))) {
            assertEquals(1, figures().liveAllocations());
            assertEquals(FRAME, figures().bytesInUse());

            feed.tick();
            feed.tick();

            assertEquals(3, figures().liveAllocations());
            assertEquals(3 * FRAME, figures().bytesInUse());
            assertArrayEquals(new long[] {1, 2}, feed.keptSequences());
        }
    }

    @Test
    void onlyTheMostRecentFramesAreKeptOlderOnesAreFreed() {
        try (SensorFeed feed = new SensorFeed(demo, new SensorSettings(50, FRAME, 3))) {
            for (int i = 0; i < 7; i++) {
                feed.tick();
            }
            assertArrayEquals(new long[] {5, 6, 7}, feed.keptSequences());
            assertEquals(4, figures().liveAllocations()); // 3 kept + the receive buffer
            assertEquals(8, figures().allocations());
            assertEquals(4, figures().frees());
            assertEquals(7, feed.kept());
        }
    }

    @Test
    void theCopiesHoldTheFramesContent() {
        try (SensorFeed feed = new SensorFeed(demo, new SensorSettings(50, 64, 2))) {
            feed.tick();
            feed.tick();
            var newest = feed.keptFrames().get(1);
            assertEquals(2, SensorFrames.sequence(newest));
            assertEquals(SensorFrames.sample(2, 5),
                    newest.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, SensorFrames.HEADER_BYTES + 10));
            assertTrue(newest.isNative());
        }
    }

    @Test
    void whenTheAllocatorRefusesACopyTheFrameIsDroppedAndTheFeedGoesOn() {
        // Room for the receive buffer and two copies only.
        allocator.configure(allocator.config().withLimit(3 * FRAME));
        try (SensorFeed feed = new SensorFeed(demo, new SensorSettings(50, FRAME, 5))) {
            for (int i = 0; i < 4; i++) {
                feed.tick();
            }
            assertEquals(2, feed.kept());
            assertEquals(2, feed.dropped());
            assertEquals(2, figures().failures().get(Cause.LIMIT));
            assertArrayEquals(new long[] {1, 2}, feed.keptSequences());

            allocator.configure(allocator.config().withLimit(1L << 20)); // memory came back
            feed.tick();
            assertArrayEquals(new long[] {1, 2, 5}, feed.keptSequences());
            assertEquals(5, feed.captured());
        }
    }

    @Test
    void closeFreesEveryBufferAndLaterTicksDoNothing() {
        SensorFeed feed = new SensorFeed(demo, new SensorSettings(50, FRAME, 3));
        feed.tick();
        feed.tick();
        feed.close();
        assertEquals(0, figures().bytesInUse());
        assertEquals(0, figures().liveAllocations());
        feed.tick();
        feed.close();
        assertEquals(0, figures().liveAllocations());
        assertEquals(2, feed.captured());
    }

    @Test
    void startedOnASchedulerItTicksAtTheConfiguredRate() {
        ScheduledExecutorService scheduler = DemoThreads.scheduler("test-sensor");
        SensorFeed feed = new SensorFeed(demo, new SensorSettings(1000, FRAME, 2));
        try {
            feed.start(scheduler);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (feed.captured() < 5) {
                assertTrue(System.nanoTime() < deadline, "the scheduler did not tick 5 times in 10 s");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertThrows(IllegalStateException.class, () -> feed.start(scheduler));
        } finally {
            DemoThreads.stop(scheduler);
            feed.close();
        }
        assertEquals(0, figures().bytesInUse());
        assertTrue(scheduler.isTerminated());
    }

    @Test
    void invalidSettingsAreRefusedNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SensorSettings(0, FRAME, 1))
                .getMessage().startsWith("framesPerSecond"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SensorSettings(10, 15, 1))
                .getMessage().startsWith("frameSize"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SensorSettings(10, FRAME, 0))
                .getMessage().startsWith("buffersKept"));
        assertEquals(20_000_000L, new SensorSettings(50, FRAME, 1).periodNanos());
    }
}
