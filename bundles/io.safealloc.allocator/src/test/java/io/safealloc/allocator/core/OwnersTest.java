package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/** Per-owner accounts, quotas, leaks released on close, and live configuration. */
class OwnersTest {

    private final RecordingLogger log = new RecordingLogger();
    private SafeAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = SafeAllocator.builder().logger(log)
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
    }

    private static BundleStats figuresOf(SafeAllocator allocator, String name) {
        return allocator.stats().bundles().stream().filter(b -> b.bundleName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + allocator.stats().bundles()));
    }

    @Test
    void eachOwnerIsAccountedAndAFreeCreditsTheAllocatingOwner() {
        OwnerView a = allocator.open(new Owner(1, "a"));
        OwnerView b = allocator.open(new Owner(2, "b"));
        MemorySegment fromA = a.rAlloc(300);
        MemorySegment fromB = b.rAlloc(50);
        assertEquals(300, figuresOf(allocator, "a").bytesInUse());
        assertEquals(350, allocator.stats().bytesInUse());
        b.rFree(fromA); // another bundle frees a's memory: a's account is credited
        assertEquals(0, figuresOf(allocator, "a").bytesInUse());
        assertEquals(1, figuresOf(allocator, "a").frees());
        assertEquals(300, figuresOf(allocator, "a").peak());
        assertEquals(50, figuresOf(allocator, "b").bytesInUse());
        assertEquals(List.of("b", "a"), allocator.stats().bundles().stream().map(BundleStats::bundleName).toList());
        b.rFree(fromB);
        a.close();
        b.close();
    }

    @Test
    void aReallocStaysWithTheOwnerThatAllocated() {
        OwnerView a = allocator.open(new Owner(1, "a"));
        OwnerView b = allocator.open(new Owner(2, "b"));
        MemorySegment s = a.rAlloc(10);
        MemorySegment t = b.rRealloc(s, 1000);
        assertEquals(1000, figuresOf(allocator, "a").bytesInUse());
        assertEquals(0, figuresOf(allocator, "b").bytesInUse());
        a.rFree(t);
        a.close();
        b.close();
    }

    @Test
    void closingAnOwnerReleasesAndReportsItsLeaks() {
        OwnerView leaky = allocator.open(new Owner(7, "leaky"));
        OwnerView tidy = allocator.open(new Owner(8, "tidy"));
        leaky.rAlloc(100);
        leaky.rAlloc(20);
        leaky.rAllocType(java.lang.foreign.ValueLayout.JAVA_LONG);
        MemorySegment kept = tidy.rAlloc(5);
        Leaks leaks = leaky.release();
        assertEquals(3, leaks.count());
        assertEquals(128, leaks.bytes());
        assertEquals(List.of(8L, 20L, 100L), leaks.sampleSizes().stream().sorted().toList());
        assertTrue(log.contains("leaky [7] stopped holding 3 allocations (128 bytes"), log.lines.toString());
        assertEquals(5, allocator.stats().bytesInUse(), "only the other owner's memory is left");
        assertEquals(4, allocator.stats().allocations(), "closed owners stay in the global counts");
        assertEquals(3, allocator.stats().frees());
        assertEquals(0, leaky.release().count(), "idempotent");
        var closed = assertThrows(IllegalStateException.class, () -> leaky.rAlloc(1));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        tidy.rFree(kept);
        tidy.close();
        assertTrue(allocator.stats().bundles().isEmpty());
    }

    @Test
    void anOwnerOverItsQuotaGetsBundleLimitWhileOthersKeepAllocating() {
        allocator.setQuota("greedy", 1000);
        OwnerView greedy = allocator.open(new Owner(3, "greedy"));
        OwnerView other = allocator.open(new Owner(4, "other"));
        MemorySegment g = greedy.rAlloc(900);
        MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> greedy.rAlloc(200));
        assertEquals(Cause.LIMIT, e.cause());
        assertEquals(Budget.BUNDLE, e.event().budget());
        assertEquals(1000, e.event().bundleLimit());
        assertEquals(900, e.event().bundleBytesInUse());
        assertEquals("greedy", e.event().bundleName());
        assertTrue(e.getMessage().contains("quota of greedy"), e.getMessage());
        MemorySegment o = other.rAlloc(5000);
        assertEquals(1000, figuresOf(allocator, "greedy").limit());
        allocator.setQuota("greedy", 0);
        MemorySegment more = greedy.rAlloc(200);
        greedy.rFree(g);
        greedy.rFree(more);
        other.rFree(o);
        greedy.close();
        other.close();
    }

    @Test
    void aQuotaAppliesToOwnersOpenedLater() {
        allocator.setQuota("late", 10);
        try (OwnerView late = allocator.open(new Owner(9, "late"))) {
            assertEquals(Budget.BUNDLE,
                    assertThrows(MemoryAllocationException.class, () -> late.rAlloc(11)).event().budget());
        }
        assertThrows(IllegalArgumentException.class, () -> allocator.setQuota("x", -1));
    }

    @Test
    void aNewConfigurationAppliesLiveAndKeepsTheAccounts() {
        MemorySegment s = allocator.unowned().rAlloc(500);
        allocator.configure(allocator.config().withLimit(600));
        assertEquals(Cause.LIMIT, assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(200)).cause());
        assertEquals(500, allocator.stats().bytesInUse());
        assertEquals(600, allocator.stats().limit());
        assertEquals(510, allocator.stats().warnThreshold());
        allocator.configure(allocator.config().withLimit(0));
        MemorySegment t = allocator.unowned().rAlloc(200);
        allocator.unowned().rFree(s);
        allocator.unowned().rFree(t);
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void badConfigurationIsRejectedNamingTheSetting() {
        AllocatorConfig c = AllocatorConfig.DEFAULTS;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withLimit(-1)).getMessage().startsWith("limit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withWarnPercent(0)).getMessage().startsWith("warnPercent"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withWarnPercent(101)).getMessage().startsWith("warnPercent"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withMaxAllocation(-1)).getMessage().startsWith("maxAllocation"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withMaxRetries(-1)).getMessage().startsWith("maxRetries"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withDefaultRecovery(Recovery.RETRY)).getMessage().startsWith("defaultRecovery"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.withAbortExitCode(0)).getMessage().startsWith("abortExitCode"));
        assertEquals(Long.MAX_VALUE / 100 * 85, c.withLimit(Long.MAX_VALUE).warnThreshold(), "no overflow");
    }

    @Test
    void aFailureOfACallThatRacedItsOwnersReleaseStillReachesTheGlobalFigures() {
        SafeAllocator small = SafeAllocator.builder().silent()
                .config(AllocatorConfig.DEFAULTS.withLimit(1000).withDefaultRecovery(Recovery.FAIL)).build();
        OwnerView bundle = small.open(new Owner(9, "io.example.racing"));
        // The owner is released (and its account retired and merged) while its call is between two
        // attempts; the second attempt's failure is counted on an account already merged.
        small.handlers().add(e -> {
            if (e.attempt() == 1) {
                bundle.release();
                return Recovery.RETRY;
            }
            return Recovery.FAIL;
        }, 0);

        assertThrows(MemoryAllocationException.class, () -> bundle.rAlloc(2000));

        assertEquals(2L, small.stats().failures().get(Cause.LIMIT), "both attempts' failures are counted globally");
    }
}
