package io.safealloc.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.Leaks;
import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.Holding;

/** The deliberate leak against a real allocator: what it holds, and what closing its owner releases. */
class LeakTest {

    private SafeAllocator allocator;
    private OwnerView demo;

    @BeforeEach
    void setUp() {
        allocator = TestAllocators.withLimit(1L << 20);
        demo = allocator.open(new Owner(12, "io.safealloc.demo"));
    }

    private Holding holding() {
        List<Holding> holdings = allocator.holdings();
        assertEquals(1, holdings.size(), holdings.toString());
        return holdings.get(0);
    }

    @Test
    void startLeaksTheConfiguredCountAndEachTickOneSecondsWorth() {
        Leak leak = new Leak(demo, new LeakSettings(3, 10_000, 4096));

        leak.start();
        assertEquals(3, holding().count());
        assertEquals(3 * 4096, holding().bytes());

        leak.tick(); // 10000 bytes: 4096 + 4096 + 1808
        assertEquals(6, holding().count());
        assertEquals(3 * 4096 + 10_000, holding().bytes());
        assertEquals(4096, holding().largest());
        assertEquals(6, leak.blocks());
        assertEquals(3 * 4096 + 10_000, leak.bytes());
        demo.close();
    }

    @Test
    void nothingIsEverFreedUntilTheOwnerClosesThenAllOfItIsReportedAndReleased() {
        Leak leak = new Leak(demo, new LeakSettings(5, 0, 1000));
        leak.start();
        leak.tick(); // no growth configured
        assertEquals(0, allocator.stats().frees());

        Leaks released = demo.release(); // what the allocator does when the bundle stops

        assertEquals(5, released.count());
        assertEquals(5000, released.bytes());
        assertEquals(0, allocator.stats().bytesInUse());
        assertTrue(allocator.holdings().isEmpty());
    }

    @Test
    void theFirstRefusedAllocationEndsTheGrowthAndKeepsWhatLeaked() {
        allocator.configure(allocator.config().withLimit(10_000));
        Leak leak = new Leak(demo, new LeakSettings(0, 4000, 4000));

        leak.tick();
        leak.tick();
        assertFalse(leak.stopped());
        leak.tick(); // 12000 > 10000: refused
        assertTrue(leak.stopped());
        allocator.configure(allocator.config().withLimit(1L << 20));
        leak.tick(); // would fit now, but the leak has stopped growing

        assertEquals(2, leak.blocks());
        assertEquals(8000, holding().bytes());
        assertEquals(1, allocator.stats().failures().get(io.safealloc.api.Cause.LIMIT));
        demo.close();
    }

    @Test
    void invalidSettingsAreRefusedNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LeakSettings(-1, 0, 1))
                .getMessage().startsWith("leakCount"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LeakSettings(0, -1, 1))
                .getMessage().startsWith("leakBytesPerSecond"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LeakSettings(0, 0, 0))
                .getMessage().startsWith("leakSize"));
    }
}
