package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Holding;
import io.safealloc.api.MemStats;
import io.safealloc.api.Recovery;

/**
 * Runs a sequence of {@link Step}s against a real allocator and, beside it, against a model of
 * what must be live: which blocks, owned by whom, accounted how many bytes, holding which bytes.
 * After every step the allocator's own view (statistics, per-owner figures, holdings, libc blocks,
 * contents, rejection of the last freed segment) must equal the model.
 *
 * <p>Not thread-safe: one sequence, one thread.
 */
final class AllocatorModel implements AutoCloseable {

    /** One call, or one misuse, of the allocator; indexes are taken modulo what exists. */
    sealed interface Step {
    }

    record Alloc(int owner, long size) implements Step {
    }

    record AllocType(int owner, long size, int alignmentLog2) implements Step {
    }

    record Realloc(int caller, int pick, long newSize) implements Step {
    }

    record Memdup(int owner, int pick) implements Step {
    }

    record Adopt(int owner, long size) implements Step {
    }

    record Free(int caller, int pick) implements Step {
    }

    /** rFree and rRealloc of a freed segment: rejected. */
    record UseStale(int pick, boolean realloc) implements Step {
    }

    /** rFree of an address inside a live block: rejected. */
    record FreeInterior(int pick, long offset) implements Step {
    }

    /** rFree of heap memory, or of another allocator's memory: rejected. */
    record FreeForeign(boolean heap) implements Step {
    }

    /** adopt of an address this allocator already owns: rejected. */
    record AdoptTwice(int pick) implements Step {
    }

    /** An owner (not the root) stops: what it holds is released. */
    record CloseOwner(int owner) implements Step {
    }

    static final String[] NAMES = {"none", "a", "b"};

    private record Block(MemorySegment segment, int owner, long accounted, byte mark) {
    }

    private final Safety safety;
    private final FaultInjectingBackend backend = FaultInjectingBackend.reliable();
    private final SafeAllocator allocator;
    private final AllocatorService[] views = new AllocatorService[3];
    private final SafeAllocator other = SafeAllocator.builder().logger(new RecordingLogger()).build();
    private final MemorySegment foreign = other.unowned().rAlloc(32);
    private final List<Block> live = new ArrayList<>();
    private final List<MemorySegment> stale = new ArrayList<>();
    private byte nextMark = 1;
    private int stepNumber;

    AllocatorModel(Safety safety) {
        this.safety = safety;
        allocator = SafeAllocator.builder().backend(backend).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL).withSafety(safety))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
        views[0] = allocator.unowned();
        views[1] = allocator.open(new Owner(1, NAMES[1]));
        views[2] = allocator.open(new Owner(2, NAMES[2]));
    }

    void run(List<Step> program) {
        for (Step step : program) {
            stepNumber++;
            apply(step);
            check(step);
        }
    }

    private void apply(Step step) {
        switch (step) {
            case Alloc(int owner, long size) -> keep(views[owner].rAlloc(size), owner, size);
            case AllocType(int owner, long size, int log2) -> {
                long alignment = 1L << log2;
                MemorySegment s = views[owner].rAllocType(MemoryLayout.paddingLayout(size).withByteAlignment(alignment));
                assertEquals(0, s.address() % Math.max(alignment, 16), "aligned");
                for (long i = 0; i < size; i += Math.max(1, size / 16)) {
                    assertEquals(0, s.get(JAVA_BYTE, i), "zeroed at " + i);
                }
                keep(s, owner, alignment > 16 ? (Math.max(size, 1) + alignment - 1) & -alignment : size);
            }
            case Realloc(int caller, int pick, long newSize) -> {
                if (live.isEmpty()) {
                    return;
                }
                Block b = live.remove(pick % live.size());
                MemorySegment r = views[caller].rRealloc(b.segment, newSize);
                long kept = Math.min(b.segment.byteSize(), newSize);
                if (kept > 0) {
                    assertEquals(b.mark, r.get(JAVA_BYTE, 0), "contents kept");
                    assertEquals(b.mark, r.get(JAVA_BYTE, kept - 1), "contents kept");
                }
                stale.add(b.segment);
                keep(r, b.owner, newSize); // the resize stays with the owner that allocated
            }
            case Memdup(int owner, int pick) -> {
                if (live.isEmpty()) {
                    return;
                }
                Block b = live.get(pick % live.size());
                MemorySegment copy = views[owner].rMemdup(b.segment);
                assertEquals(-1, copy.mismatch(b.segment), "an exact copy");
                keep(copy, owner, b.segment.byteSize());
            }
            case Adopt(int owner, long size) -> {
                long raw = backend.mallocForAdoption(size);
                keep(views[owner].adopt(MemorySegment.ofAddress(raw), size), owner, size);
            }
            case Free(int caller, int pick) -> {
                if (live.isEmpty()) {
                    return;
                }
                Block b = live.remove(pick % live.size());
                views[caller].rFree(b.segment);
                stale.add(b.segment);
            }
            case UseStale(int pick, boolean realloc) -> {
                if (!stale.isEmpty()) {
                    rejectedUnchanged(stale.get(pick % stale.size()), realloc);
                }
            }
            case FreeInterior(int pick, long offset) -> {
                List<Block> big = live.stream().filter(b -> b.segment.byteSize() >= 2).toList();
                if (!big.isEmpty()) {
                    MemorySegment s = big.get(pick % big.size()).segment;
                    MemorySegment inside = s.asSlice(1 + offset % (s.byteSize() - 1));
                    assertRejectedUnchanged(() -> allocator.unowned().rFree(inside));
                }
            }
            case FreeForeign(boolean heap) -> assertRejectedUnchanged(
                    () -> allocator.unowned().rFree(heap ? MemorySegment.ofArray(new long[4]) : foreign));
            case AdoptTwice(int pick) -> {
                if (!live.isEmpty()) {
                    MemorySegment s = live.get(pick % live.size()).segment;
                    if (s.address() % 8 == 0) {
                        assertRejectedUnchanged(() -> allocator.unowned().adopt(MemorySegment.ofAddress(s.address()), 8));
                    }
                }
            }
            case CloseOwner(int owner) -> {
                Leaks leaks = ((OwnerView) views[owner]).release();
                List<Block> released = live.stream().filter(b -> b.owner == owner).toList();
                assertEquals(released.size(), leaks.count(), "leaks reported");
                assertEquals(released.stream().mapToLong(Block::accounted).sum(), leaks.bytes(), "leak bytes");
                live.removeAll(released);
                released.forEach(b -> stale.add(b.segment));
                views[owner] = allocator.open(new Owner(owner, NAMES[owner]));
            }
        }
    }

    private void keep(MemorySegment s, int owner, long accounted) {
        byte mark = nextMark++;
        s.fill(mark);
        live.add(new Block(s, owner, accounted, mark));
    }

    /**
     * A freed segment is rejected, unless (FAST mode only) malloc has handed its address out again
     * to a block that is live now: FAST cannot tell those apart, by design.
     */
    private void rejectedUnchanged(MemorySegment freed, boolean realloc) {
        if (safety == Safety.FAST && live.stream().anyMatch(b -> b.segment.address() == freed.address())) {
            return;
        }
        assertRejectedUnchanged(realloc ? () -> allocator.unowned().rRealloc(freed, 64) : () -> allocator.unowned().rFree(freed));
    }

    private void assertRejectedUnchanged(org.junit.jupiter.api.function.Executable misuse) {
        MemStats before = allocator.stats();
        long libcFrees = backend.frees();
        assertThrows(IllegalArgumentException.class, misuse, "step " + stepNumber);
        MemStats after = allocator.stats();
        assertEquals(before.bytesInUse(), after.bytesInUse(), "bytes unchanged by a rejected call");
        assertEquals(before.frees(), after.frees(), "frees unchanged by a rejected call");
        assertEquals(before.allocations(), after.allocations(), "allocations unchanged by a rejected call");
        assertEquals(libcFrees, backend.frees(), "libc free not reached");
    }

    /** The allocator's view equals the model's. */
    private void check(Step step) {
        String where = "after step " + stepNumber + " " + step + " (" + safety + ")";
        MemStats stats = allocator.stats();
        assertEquals(live.stream().mapToLong(Block::accounted).sum(), stats.bytesInUse(), "bytes in use " + where);
        assertEquals(live.size(), stats.liveAllocations(), "live allocations " + where);
        assertEquals(live.size(), backend.outstandingBlocks(), "blocks libc holds " + where);
        assertEquals(expectedHoldings(), actualHoldings(), "holdings " + where);
        for (BundleStats owner : stats.bundles()) {
            long expected = live.stream().filter(b -> NAMES[b.owner].equals(owner.bundleName()))
                    .mapToLong(Block::accounted).sum();
            assertEquals(expected, owner.bytesInUse(), owner.bundleName() + "'s bytes " + where);
        }
        for (Block b : live) {
            if (b.segment.byteSize() > 0) {
                assertEquals(b.mark, b.segment.get(JAVA_BYTE, 0), "contents " + where);
                assertEquals(b.mark, b.segment.get(JAVA_BYTE, b.segment.byteSize() - 1), "contents " + where);
            }
        }
        if (!stale.isEmpty()) { // the segment freed last is rejected as a double free
            rejectedUnchanged(stale.get(stale.size() - 1), false);
        }
    }

    private Map<String, List<Long>> expectedHoldings() {
        Map<String, List<Long>> expected = new TreeMap<>();
        for (Block b : live) {
            List<Long> h = expected.computeIfAbsent(NAMES[b.owner], k -> new ArrayList<>(List.of(0L, 0L, 0L)));
            h.set(0, h.get(0) + 1);
            h.set(1, h.get(1) + b.accounted);
            h.set(2, Math.max(h.get(2), b.accounted));
        }
        return expected;
    }

    private Map<String, List<Long>> actualHoldings() {
        Map<String, List<Long>> actual = new TreeMap<>();
        for (Holding h : allocator.holdings()) {
            assertTrue(actual.put(h.bundleName(), List.of(h.count(), h.bytes(), h.largest())) == null,
                    "one holding per owner: " + allocator.holdings());
        }
        return actual;
    }

    /** Releases everything: the owners, the root's blocks, the other allocator's block. */
    @Override
    public void close() {
        for (int owner = 1; owner < views.length; owner++) {
            ((OwnerView) views[owner]).release();
        }
        int owner = 0;
        live.removeIf(b -> b.owner != owner);
        for (Block b : live) {
            allocator.unowned().rFree(b.segment);
        }
        live.clear();
        other.unowned().rFree(foreign);
        assertEquals(0, allocator.stats().bytesInUse(), "bytes in use at the end (" + safety + ")");
        assertEquals(0, backend.outstandingBlocks(), "blocks libc holds at the end (" + safety + ")");
    }
}
