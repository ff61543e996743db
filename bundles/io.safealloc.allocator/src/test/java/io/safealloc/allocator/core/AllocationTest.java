package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.safealloc.api.MemStats;
import io.safealloc.api.Recovery;

/** The allocation calls and their bad inputs, against real libc memory. */
class AllocationTest {

    private final FlakyBackend backend = new FlakyBackend();
    private final AtomicInteger handlerCalls = new AtomicInteger();
    private SafeAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = SafeAllocator.builder().backend(backend).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
        allocator.handlers().add(e -> {
            handlerCalls.incrementAndGet();
            return Recovery.DEFER;
        }, 0);
    }

    @AfterEach
    void nothingLeaked() {
        assertEquals(0, allocator.stats().bytesInUse(), "bytes in use after the test");
        assertEquals(0, allocator.stats().liveAllocations(), "live allocations after the test");
    }

    @Test
    void rAllocGivesAlignedWritableNativeMemoryAndRFreeReturnsIt() {
        MemorySegment s = allocator.unowned().rAlloc(100);
        assertTrue(s.isNative());
        assertEquals(100, s.byteSize());
        assertEquals(0, s.address() % 16, "16-byte aligned");
        s.fill((byte) 7);
        assertEquals(7, s.get(JAVA_BYTE, 99));
        MemStats stats = allocator.stats();
        assertEquals(100, stats.bytesInUse());
        assertEquals(1, stats.allocations());
        allocator.unowned().rFree(s);
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(1, allocator.stats().frees());
        assertEquals(100, allocator.stats().peak());
    }

    @Test
    void sizeZeroIsAValidSegmentThatRFreeAccepts() {
        MemorySegment a = allocator.unowned().rAlloc(0);
        MemorySegment b = allocator.unowned().rAlloc(0);
        assertEquals(0, a.byteSize());
        assertNotEquals(MemorySegment.NULL, a);
        assertNotEquals(a.address(), b.address(), "distinct allocations");
        assertEquals(2, allocator.stats().liveAllocations());
        allocator.unowned().rFree(a);
        allocator.unowned().rFree(b);
    }

    @Test
    void negativeSizeIsRejectedWithoutAskingAHandler() {
        var e = assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rAlloc(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rRealloc(null, -5));
        assertEquals(0, handlerCalls.get());
        assertEquals(0, allocator.stats().allocations());
    }

    @Test
    void rAllocTypeIsZeroedAndAlignedToTheLayout() {
        MemoryLayout point = MemoryLayout.structLayout(JAVA_INT.withName("x"), JAVA_INT.withName("y"),
                JAVA_LONG.withName("t"));
        MemorySegment p = allocator.unowned().rAllocType(point);
        assertEquals(16, p.byteSize());
        assertEquals(0L, p.get(JAVA_LONG, 0) | p.get(JAVA_LONG, 8));
        MemoryLayout cacheLine = MemoryLayout.sequenceLayout(3, JAVA_LONG).withByteAlignment(256);
        MemorySegment c = allocator.unowned().rAllocType(cacheLine);
        assertEquals(0, c.address() % 256, "aligned to the layout");
        assertEquals(24, c.byteSize());
        for (long i = 0; i < 24; i++) {
            assertEquals(0, c.get(JAVA_BYTE, i));
        }
        assertEquals(16 + 256, allocator.stats().bytesInUse(), "over-aligned blocks account their rounded size");
        allocator.unowned().rFree(p);
        allocator.unowned().rFree(c);
        assertThrows(NullPointerException.class, () -> allocator.unowned().rAllocType(null));
    }

    @Test
    void rReallocPreservesContentsAndMovesTheAccount() {
        MemorySegment s = allocator.unowned().rAlloc(16);
        s.fill((byte) 3);
        MemorySegment grown = allocator.unowned().rRealloc(s, 1 << 20);
        assertEquals(1 << 20, grown.byteSize());
        for (int i = 0; i < 16; i++) {
            assertEquals(3, grown.get(JAVA_BYTE, i));
        }
        assertEquals(1 << 20, allocator.stats().bytesInUse());
        MemorySegment shrunk = allocator.unowned().rRealloc(grown, 8);
        assertEquals(8, allocator.stats().bytesInUse());
        assertEquals(3, shrunk.get(JAVA_BYTE, 7));
        assertEquals(1, allocator.stats().allocations(), "a resize is not a new allocation");
        allocator.unowned().rFree(shrunk);
    }

    @Test
    void rReallocOfNullOrNULLAllocates() {
        MemorySegment a = allocator.unowned().rRealloc(null, 10);
        MemorySegment b = allocator.unowned().rRealloc(MemorySegment.NULL, 20);
        assertEquals(30, allocator.stats().bytesInUse());
        allocator.unowned().rFree(a);
        allocator.unowned().rFree(b);
    }

    @Test
    void rReallocOfFreedOrForeignMemoryIsRejected() {
        MemorySegment s = allocator.unowned().rAlloc(8);
        allocator.unowned().rFree(s);
        var e = assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rRealloc(s, 16));
        assertTrue(e.getMessage().startsWith("rRealloc:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rRealloc(MemorySegment.ofArray(new byte[4]), 8));
    }

    @Test
    void rMemdupCopiesHeapAndNativeSources() {
        MemorySegment copy = allocator.unowned().rMemdup(MemorySegment.ofArray(new byte[] {1, 2, 3}));
        assertTrue(copy.isNative());
        assertArrayEquals(new byte[] {1, 2, 3}, copy.toArray(JAVA_BYTE));
        MemorySegment second = allocator.unowned().rMemdup(copy);
        assertNotEquals(copy.address(), second.address());
        assertArrayEquals(new byte[] {1, 2, 3}, second.toArray(JAVA_BYTE));
        allocator.unowned().rFree(copy);
        allocator.unowned().rFree(second);
    }

    @Test
    void rFreeIgnoresNullAndNULL() {
        allocator.unowned().rFree(null);
        allocator.unowned().rFree(MemorySegment.NULL);
        assertEquals(0, allocator.stats().frees());
    }

    @Test
    void rFreeRejectsDoubleFreeWithoutReachingLibc() {
        MemorySegment s = allocator.unowned().rAlloc(32);
        allocator.unowned().rFree(s);
        int freesBefore = backend.frees.get();
        var e = assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(s));
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
        assertEquals(freesBefore, backend.frees.get(), "libc free not called");
        assertEquals(1, allocator.stats().frees());
    }

    @Test
    void rFreeRejectsHeapSlicesAndOtherAllocatorsMemory() {
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(MemorySegment.ofArray(new long[2])));
        MemorySegment s = allocator.unowned().rAlloc(64);
        var inside = assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(s.asSlice(16)));
        assertTrue(inside.getMessage().contains("not the start of an allocation"), inside.getMessage());
        SafeAllocator other = new SafeAllocator();
        MemorySegment foreign = other.unowned().rAlloc(64);
        int freesBefore = backend.frees.get();
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(foreign));
        assertEquals(freesBefore, backend.frees.get());
        assertEquals(64, allocator.stats().bytesInUse(), "accounting unchanged");
        other.unowned().rFree(foreign); // still valid for its own allocator
        allocator.unowned().rFree(s);
    }

    @Test
    void adoptTakesOwnershipOfMallocMemory() {
        long raw = LibcBackend.INSTANCE.malloc(48);
        MemorySegment adopted = allocator.unowned().adopt(MemorySegment.ofAddress(raw), 48);
        assertEquals(48, adopted.byteSize());
        assertEquals(48, allocator.stats().bytesInUse());
        var twice = assertThrows(IllegalArgumentException.class, () -> allocator.unowned().adopt(MemorySegment.ofAddress(raw), 48));
        assertTrue(twice.getMessage().contains("already owned"), twice.getMessage());
        allocator.unowned().rFree(adopted);
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(adopted));
    }

    @Test
    void adoptRejectsWhatCannotComeFromMalloc() {
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().adopt(MemorySegment.NULL, 8));
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().adopt(MemorySegment.ofArray(new byte[8]), 8));
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().adopt(MemorySegment.ofAddress(0x1003), 8));
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().adopt(MemorySegment.ofAddress(0x1000), -1));
        assertThrows(NullPointerException.class, () -> allocator.unowned().adopt(null, 8));
        assertEquals(0, allocator.stats().allocations());
    }

    @Test
    void aMaxAllocationOfZeroMeansNoCapAsInTheOsgiConfiguration() {
        allocator.configure(allocator.config().withMaxAllocation(0));
        assertEquals(Entry.MAX_SIZE, allocator.config().maxAllocation(), "0 is stored as the largest trackable size");
        long mib = 1 << 20;
        MemorySegment s = allocator.unowned().rAlloc(mib);
        assertEquals(mib, s.byteSize());
        MemorySegment grown = allocator.unowned().rRealloc(s, 2 * mib);
        assertEquals(2 * mib, grown.byteSize());
        MemorySegment shrunk = allocator.unowned().rRealloc(grown, mib);
        assertEquals(mib, shrunk.byteSize());
        assertEquals(0, handlerCalls.get(), "no TOO_BIG reached the handlers");
        allocator.unowned().rFree(shrunk);
    }
}
