package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.safealloc.api.Cause;
import io.safealloc.api.MemStats;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * The bad-input catalogue (docs/bad-inputs.md), row by row: each misuse gets the exact exception and
 * message the catalogue quotes, changes nothing (statistics, libc), and leaves nothing behind.
 */
class BadInputTest {

    private static final String NOT_LIVE = "%s: 0x%x was not handed out by this allocator, is not the start of an "
            + "allocation, or was already freed; nothing was changed";
    private static final String STALE = "%s: the segment at 0x%x was already freed (its lifetime has ended; the "
            + "address may since have been handed out again); nothing was changed";

    private final FaultInjectingBackend backend = FaultInjectingBackend.reliable();
    private final List<Cause> handled = new CopyOnWriteArrayList<>();
    private final SafeAllocator allocator = allocator(Safety.FAST);

    private SafeAllocator allocator(Safety safety) {
        SafeAllocator a = SafeAllocator.builder().backend(backend).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL).withSafety(safety))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
        a.handlers().add(e -> {
            handled.add(e.cause());
            return Recovery.DEFER;
        }, 0);
        return a;
    }

    @AfterEach
    void nothingLeakedNorCorrupted() {
        assertEquals(0, allocator.stats().bytesInUse(), "bytes in use");
        assertEquals(0, allocator.stats().liveAllocations(), "live allocations");
        assertEquals(allocator.stats().allocations(), allocator.stats().frees(), "every allocation freed once");
        assertEquals(0, backend.outstandingBlocks(), "blocks libc still holds");
    }

    /** The misuse throws exactly {@code type} with exactly {@code message}, and changes nothing. */
    private <T extends Throwable> T rejected(Class<T> type, String message, Executable misuse) {
        MemStats before = allocator.stats();
        long libcFrees = backend.frees();
        long libcCalls = backend.calls();
        T thrown = assertThrows(type, misuse);
        assertEquals(message, thrown.getMessage());
        MemStats after = allocator.stats();
        assertEquals(before.bytesInUse(), after.bytesInUse(), "bytes in use unchanged");
        assertEquals(before.allocations(), after.allocations(), "allocations unchanged");
        assertEquals(before.frees(), after.frees(), "frees unchanged");
        assertEquals(libcFrees, backend.frees(), "libc free not reached");
        assertEquals(libcCalls, backend.calls(), "libc not asked for memory");
        return thrown;
    }

    private static String tooBig(long size, String inUse) {
        return "Memory allocation error for " + size + " bytes: TOO_BIG (" + inUse + "), requested by none [-1], "
                + "attempt 1; top holders: " + (inUse.startsWith("0 ") ? "none" : "none [-1] " + inUse.split(" ")[0])
                + "; decision FAIL";
    }

    @Test
    void negativeSizesAreRejectedBeforeAnyHandler() {
        rejected(IllegalArgumentException.class, "rAlloc: size must be >= 0, was -1", () -> allocator.unowned().rAlloc(-1));
        rejected(IllegalArgumentException.class, "rAlloc: size must be >= 0, was -9223372036854775808",
                () -> allocator.unowned().rAlloc(Long.MIN_VALUE));
        rejected(IllegalArgumentException.class, "rRealloc: size must be >= 0, was -5", () -> allocator.unowned().rRealloc(null, -5));
        MemorySegment s = allocator.unowned().rAlloc(8);
        rejected(IllegalArgumentException.class, "rRealloc: size must be >= 0, was -1", () -> allocator.unowned().rRealloc(s, -1));
        rejected(IllegalArgumentException.class, "adopt: size must be between 0 and 8796093022207, was -1",
                () -> allocator.unowned().adopt(MemorySegment.ofAddress(0x1000), -1));
        assertTrue(handled.isEmpty(), "no handler asked: " + handled);
        allocator.unowned().rFree(s);
    }

    @Test
    void sizeZeroIsAValidDistinctAllocationEverywhere() {
        MemorySegment a = allocator.unowned().rAlloc(0);
        MemorySegment b = allocator.unowned().rMemdup(MemorySegment.ofArray(new byte[0]));
        MemorySegment c = allocator.unowned().rRealloc(allocator.unowned().rAlloc(16), 0);
        assertEquals(List.of(0L, 0L, 0L), List.of(a.byteSize(), b.byteSize(), c.byteSize()));
        assertNotEquals(a.address(), b.address());
        assertEquals(3, allocator.stats().liveAllocations());
        assertEquals(0, allocator.stats().bytesInUse());
        allocator.unowned().rFree(a);
        allocator.unowned().rFree(b);
        allocator.unowned().rFree(c);
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(a), "a zero-size block is freed once too");
    }

    @Test
    void longMaxValueAndUntrackableSizesAreTooBig() {
        rejected(MemoryAllocationException.class, tooBig(Long.MAX_VALUE, "0 bytes in use, no limit"),
                () -> allocator.unowned().rAlloc(Long.MAX_VALUE));
        rejected(MemoryAllocationException.class, tooBig(Entry.MAX_SIZE + 1, "0 bytes in use, no limit"),
                () -> allocator.unowned().rAlloc(Entry.MAX_SIZE + 1));
        MemorySegment s = allocator.unowned().rAlloc(8);
        s.fill((byte) 4);
        rejected(MemoryAllocationException.class, tooBig(Long.MAX_VALUE, "8 bytes in use, no limit"),
                () -> allocator.unowned().rRealloc(s, Long.MAX_VALUE));
        assertEquals(4, s.get(JAVA_BYTE, 7), "the original survives a refused resize");
        assertEquals(List.of(Cause.TOO_BIG, Cause.TOO_BIG, Cause.TOO_BIG), handled, "each went to the handlers");
        allocator.unowned().rFree(s);
    }

    @Test
    void aSizeThatOverflowsWhenRoundedToItsAlignmentIsTooBig() {
        MemoryLayout layout = MemoryLayout.paddingLayout(Long.MAX_VALUE - 100).withByteAlignment(1024);
        rejected(MemoryAllocationException.class, tooBig(Long.MAX_VALUE - 100, "0 bytes in use, no limit"),
                () -> allocator.unowned().rAllocType(layout));
        assertEquals(List.of(Cause.TOO_BIG), handled);
    }

    @Test
    void aHugeAlignmentIsTooBigOrRefusedByTheBudget() {
        MemoryLayout alignedTo4Exa = MemoryLayout.paddingLayout(8).withByteAlignment(1L << 62);
        rejected(MemoryAllocationException.class, tooBig(8, "0 bytes in use, no limit"),
                () -> allocator.unowned().rAllocType(alignedTo4Exa));
        // 1 TiB alignment: representable, accounted at 1 TiB, so a budget refuses it before libc is asked.
        allocator.configure(allocator.config().withLimit(1 << 20));
        MemoryLayout alignedTo1Tebi = MemoryLayout.paddingLayout(8).withByteAlignment(1L << 40);
        rejected(MemoryAllocationException.class, "Memory allocation error for 8 bytes: LIMIT (global limit: 0 of "
                + "1048576 bytes in use), requested by none [-1], attempt 1; top holders: none; decision FAIL",
                () -> allocator.unowned().rAllocType(alignedTo1Tebi));
        assertEquals(List.of(Cause.TOO_BIG, Cause.LIMIT), handled);
    }

    @Test
    void theCapAppliesToThePaddedBlockAnOverAlignmentTakesFromLibc() {
        // An 8-byte layout aligned to 1 GiB asks aligned_alloc for 1 GiB: over a 1 MiB cap it is TOO_BIG,
        // whatever the layout's own size (the cap used to look at the 8 bytes and let 1 GiB through).
        allocator.configure(allocator.config().withMaxAllocation(1 << 20));
        MemoryLayout alignedTo1Gibi = MemoryLayout.paddingLayout(8).withByteAlignment(1L << 30);
        rejected(MemoryAllocationException.class, tooBig(8, "0 bytes in use, no limit"),
                () -> allocator.unowned().rAllocType(alignedTo1Gibi));
        assertEquals(0, backend.calls(), "libc was not asked");
        assertEquals(List.of(Cause.TOO_BIG), handled);
    }

    @Test
    void anOverAlignedBlockIsZeroedWhereTheCallerSeesItOnlyAndAccountedWhole() {
        // libc's memory comes back dirty (0x5A): the caller's 100 bytes must read 0, and the padding
        // must stay untouched (zeroing 64 KiB of padding per call, or 1 GiB for a 1 GiB alignment,
        // commits pages nobody uses).
        NativeBackend dirty = new ForwardingBackend(LibcBackend.INSTANCE) {
            @Override
            public long aligned(long alignment, long size) {
                long address = super.aligned(alignment, size);
                MemorySegment.ofAddress(address).reinterpret(size).fill((byte) 0x5A);
                return address;
            }
        };
        SafeAllocator own = SafeAllocator.builder().backend(dirty).silent().build();
        MemorySegment block = own.unowned().rAllocType(MemoryLayout.paddingLayout(100).withByteAlignment(1 << 16));
        assertEquals(100, block.byteSize());
        assertEquals(0, block.address() % (1 << 16));
        for (long i = 0; i < block.byteSize(); i++) {
            assertEquals(0, block.get(JAVA_BYTE, i), "byte " + i);
        }
        MemorySegment whole = MemorySegment.ofAddress(block.address()).reinterpret(1 << 16);
        assertEquals(0x5A, whole.get(JAVA_BYTE, 100), "the padding was not zeroed");
        assertEquals(0x5A, whole.get(JAVA_BYTE, (1 << 16) - 1), "the padding was not zeroed");
        assertEquals(1 << 16, own.stats().bytesInUse(), "what libc was asked for is accounted");
        own.unowned().rFree(block);
        assertEquals(0, own.stats().bytesInUse());
    }

    @Test
    void adoptRefusesAnAddressInTheFirstPage() {
        rejected(IllegalArgumentException.class, "adopt: 0x10 lies in the first page of memory, which is never mapped, "
                + "so it did not come from malloc", () -> allocator.unowned().adopt(MemorySegment.ofAddress(0x10), 8));
        rejected(IllegalArgumentException.class, "adopt: 0xff8 lies in the first page of memory, which is never "
                + "mapped, so it did not come from malloc",
                () -> allocator.unowned().adopt(MemorySegment.ofAddress(0xff8), 8));
    }

    @Test
    void rFreeOfAnotherAllocatorsSegmentIsRejected() {
        SafeAllocator other = SafeAllocator.builder().logger(new RecordingLogger()).build();
        MemorySegment theirs = other.unowned().rAlloc(64);
        rejected(IllegalArgumentException.class, String.format(NOT_LIVE, "rFree", theirs.address()),
                () -> allocator.unowned().rFree(theirs));
        rejected(IllegalArgumentException.class, String.format(NOT_LIVE, "rRealloc", theirs.address()),
                () -> allocator.unowned().rRealloc(theirs, 128));
        other.unowned().rFree(theirs); // still valid where it came from
        assertEquals(0, other.stats().bytesInUse());
    }

    @Test
    void heapMemoryIsRejectedByRFreeRReallocAndAdopt() {
        MemorySegment heap = MemorySegment.ofArray(new byte[4]);
        rejected(IllegalArgumentException.class, "rFree: " + heap
                + " is heap memory, not memory from this allocator; nothing was freed", () -> allocator.unowned().rFree(heap));
        rejected(IllegalArgumentException.class, "rRealloc: " + heap
                + " is heap memory, not memory from this allocator; nothing was changed", () -> allocator.unowned().rRealloc(heap, 8));
        rejected(IllegalArgumentException.class, "adopt: " + heap + " is heap memory, not memory from malloc",
                () -> allocator.unowned().adopt(heap, 4));
        assertTrue(heap.toString().startsWith("MemorySegment{ kind: heap"), heap.toString());
    }

    @Test
    void aSliceOrAnAddressInsideAnAllocationIsRejected() {
        MemorySegment s = allocator.unowned().rAlloc(64);
        rejected(IllegalArgumentException.class, String.format(NOT_LIVE, "rFree", s.address() + 16),
                () -> allocator.unowned().rFree(s.asSlice(16)));
        rejected(IllegalArgumentException.class, String.format(NOT_LIVE, "rFree", s.address() + 3),
                () -> allocator.unowned().rFree(MemorySegment.ofAddress(s.address() + 3)));
        rejected(IllegalArgumentException.class, String.format(NOT_LIVE, "rRealloc", s.address() + 8),
                () -> allocator.unowned().rRealloc(s.asSlice(8, 8), 128));
        // A slice that starts where the allocation starts names the allocation, as the pointer does in C.
        allocator.unowned().rFree(s.asSlice(0, 8));
        assertEquals(0, allocator.stats().liveAllocations());
    }

    @Test
    void aSecondRFreeIsRejected() {
        MemorySegment s = allocator.unowned().rAlloc(32);
        allocator.unowned().rFree(s);
        rejected(IllegalArgumentException.class, String.format(NOT_LIVE, "rFree", s.address()), () -> allocator.unowned().rFree(s));
    }

    @Test
    void rReallocOfAFreedSegmentIsRejected() {
        MemorySegment s = allocator.unowned().rAlloc(32);
        allocator.unowned().rFree(s);
        rejected(IllegalArgumentException.class, String.format(NOT_LIVE, "rRealloc", s.address()),
                () -> allocator.unowned().rRealloc(s, 64));
    }

    @Test
    void adoptingAnAddressTwiceOrAnAllocatedOneIsRejected() {
        long raw = backend.mallocForAdoption(48);
        MemorySegment adopted = allocator.unowned().adopt(MemorySegment.ofAddress(raw), 48);
        rejected(IllegalArgumentException.class, String.format(
                "adopt: 0x%x is already owned by this allocator (adopted or allocated twice?)", raw),
                () -> allocator.unowned().adopt(MemorySegment.ofAddress(raw), 48));
        MemorySegment allocated = allocator.unowned().rAlloc(16);
        rejected(IllegalArgumentException.class, String.format(
                "adopt: 0x%x is already owned by this allocator (adopted or allocated twice?)", allocated.address()),
                () -> allocator.unowned().adopt(allocated, 16));
        allocator.unowned().rFree(adopted);
        allocator.unowned().rFree(allocated);
    }

    @Test
    void whatCannotComeFromMallocIsNotAdopted() {
        rejected(IllegalArgumentException.class, "adopt: NULL cannot be adopted", () -> allocator.unowned().adopt(MemorySegment.NULL, 8));
        rejected(IllegalArgumentException.class,
                "adopt: 0x1003 is not aligned as malloc aligns (8 bytes), so it did not come from malloc",
                () -> allocator.unowned().adopt(MemorySegment.ofAddress(0x1003), 8));
        rejected(IllegalArgumentException.class, "adopt: size must be between 0 and 8796093022207, was 8796093022208",
                () -> allocator.unowned().adopt(MemorySegment.ofAddress(0x1000), Entry.MAX_SIZE + 1));
    }

    @Test
    void nullArgumentsAreNoOpsOrNullPointerExceptionsNamingTheParameter() {
        allocator.unowned().rFree(null);
        allocator.unowned().rFree(MemorySegment.NULL);
        rejected(NullPointerException.class, "layout", () -> allocator.unowned().rAllocType(null));
        rejected(NullPointerException.class, "source", () -> allocator.unowned().rMemdup(null));
        rejected(NullPointerException.class, "nativeMemory", () -> allocator.unowned().adopt(null, 8));
        MemorySegment fromNull = allocator.unowned().rRealloc(null, 24); // realloc(NULL, n) is malloc(n)
        assertEquals(24, fromNull.byteSize());
        allocator.unowned().rFree(fromNull);
    }

    @Test
    void aClosedViewRefusesWorkButItsMemoryCanStillBeFreedElsewhere() {
        OwnerView view = allocator.open(new Owner(7, "tb"));
        MemorySegment kept = view.rAlloc(10);
        MemorySegment handedOver = allocator.unowned().rMemdup(kept); // accounted to the root, survives the close
        view.release();
        String closed = "the allocator view of tb [7] is closed (the bundle released the service); nothing was allocated";
        rejected(IllegalStateException.class, closed, () -> view.rAlloc(1));
        rejected(IllegalStateException.class, closed, () -> view.rRealloc(null, 1));
        rejected(IllegalStateException.class, closed, () -> view.adopt(MemorySegment.ofAddress(0x1000), 8));
        view.rFree(handedOver); // rFree through a closed view is allowed
        rejected(IllegalArgumentException.class, String.format(NOT_LIVE, "rFree", kept.address()), () -> view.rFree(kept));
    }

    @Test
    void aNegativeQuotaIsRejected() {
        rejected(IllegalArgumentException.class, "quota of x must be >= 0 bytes, was -1", () -> allocator.setQuota("x", -1));
    }

    @Test
    void negativeOrAbsurdSettingsAreRejectedNamingTheSettingAndTheOldOnesStay() {
        AllocatorConfig before = allocator.config();
        AllocatorConfig c = AllocatorConfig.DEFAULTS;
        record Bad(Executable build, String message) {
        }
        List<Bad> bad = List.of(
                new Bad(() -> c.withLimit(-1), "limit must be >= 0 bytes (0 = no limit), was -1"),
                new Bad(() -> c.withLimit(Long.MIN_VALUE), "limit must be >= 0 bytes (0 = no limit), was -9223372036854775808"),
                new Bad(() -> c.withWarnPercent(0), "warnPercent must be between 1 and 100, was 0"),
                new Bad(() -> c.withWarnPercent(1000), "warnPercent must be between 1 and 100, was 1000"),
                new Bad(() -> c.withMaxAllocation(-1), "maxAllocation must be between 0 and 8796093022207 bytes, was -1"),
                new Bad(() -> c.withMaxAllocation(Long.MAX_VALUE),
                        "maxAllocation must be between 0 and 8796093022207 bytes, was 9223372036854775807"),
                new Bad(() -> c.withMaxRetries(-1), "maxRetries must be between 0 and 100, was -1"),
                new Bad(() -> c.withMaxRetries(Integer.MAX_VALUE), "maxRetries must be between 0 and 100, was 2147483647"),
                new Bad(() -> c.withDefaultRecovery(Recovery.DEFER), "defaultRecovery must be ABORT or FAIL, was DEFER"),
                new Bad(() -> c.withDefaultRecovery(null), "defaultRecovery must be ABORT or FAIL, was null"),
                new Bad(() -> c.withAbortExitCode(0), "abortExitCode must be between 1 and 255, was 0"),
                new Bad(() -> c.withAbortExitCode(256), "abortExitCode must be between 1 and 255, was 256"),
                new Bad(() -> c.withSafety(null), "safety must be FAST or CHECKED, was null"));
        for (Bad b : bad) {
            assertEquals(b.message, assertThrows(IllegalArgumentException.class, b.build).getMessage());
        }
        assertThrows(NullPointerException.class, () -> allocator.configure(null));
        assertEquals(before, allocator.config(), "nothing was applied");
        assertEquals(Long.MAX_VALUE / 100 * 85, c.withLimit(Long.MAX_VALUE).warnThreshold(), "absurd but valid: no overflow");
    }

    // ---- CHECKED mode: what FAST cannot prove -----------------------------------------------------

    @Test
    void checkedAStaleSegmentIsRejectedEvenAfterItsAddressWasReusedAndCannotBeRead() {
        // A backend that hands the block freed last out again, as malloc often does: reuse is certain.
        CheckedModeTest.ReusingBackend reusing = new CheckedModeTest.ReusingBackend();
        SafeAllocator checked = SafeAllocator.builder().backend(reusing).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL).withSafety(Safety.CHECKED))
                .build();
        MemorySegment s = checked.unowned().rAlloc(64);
        checked.unowned().rFree(s);
        var uaf = assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0));
        assertEquals("Already closed", uaf.getMessage());
        MemorySegment reused = checked.unowned().rAlloc(64);
        assertEquals(s.address(), reused.address(), "the address was handed out again");
        var stale = assertThrows(IllegalArgumentException.class, () -> checked.unowned().rFree(s));
        assertEquals(String.format(STALE, "rFree", s.address()), stale.getMessage());
        var staleResize = assertThrows(IllegalArgumentException.class, () -> checked.unowned().rRealloc(s, 8));
        assertEquals(String.format(STALE, "rRealloc", s.address()), staleResize.getMessage());
        assertEquals(64, checked.stats().bytesInUse(), "the new owner of the address keeps its block");
        reused.set(JAVA_BYTE, 63, (byte) 1);
        checked.unowned().rFree(reused);
        assertEquals(0, checked.stats().bytesInUse());
        reusing.drain();
    }

    /**
     * rMemdup allocates the copy, then copies: when reading the source fails (a freed CHECKED
     * segment, a segment of a closed arena, a confined segment of another thread), the fresh copy
     * must be freed again, not left allocated, accounted and unreachable until the owner stops.
     */
    @Test
    void rMemdupOfAnUnreadableSourceLeavesNoCopyBehind() {
        SafeAllocator checked = allocator(Safety.CHECKED);
        MemorySegment freed = checked.unowned().rAlloc(64);
        checked.unowned().rFree(freed);
        assertThrows(IllegalStateException.class, () -> checked.unowned().rMemdup(freed));
        Arena arena = Arena.ofConfined();
        MemorySegment closed = arena.allocate(32);
        arena.close();
        assertThrows(IllegalStateException.class, () -> checked.unowned().rMemdup(closed));
        assertEquals(0, checked.stats().bytesInUse(), "the copies were not left behind");
        assertEquals(0, backend.outstandingBlocks(), "nor in libc");
    }
}
