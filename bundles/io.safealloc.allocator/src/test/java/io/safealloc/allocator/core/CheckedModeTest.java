package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * CHECKED mode: a freed segment can neither be read nor freed again, even after its address was
 * handed out again. The backend here reuses freed addresses first (as malloc often does), so that
 * "the address was reused" is certain rather than likely.
 */
class CheckedModeTest {

    /** libc, but the next malloc of a size returns the block freed last, like a free list. */
    static final class ReusingBackend implements NativeBackend {
        private final Deque<long[]> freed = new ArrayDeque<>();
        final FlakyBackend libc = new FlakyBackend();

        @Override
        public synchronized long malloc(long size) {
            for (var it = freed.iterator(); it.hasNext();) {
                long[] block = it.next();
                if (block[1] == size) {
                    it.remove();
                    return block[0];
                }
            }
            return libc.malloc(size);
        }

        @Override
        public long calloc(long size) {
            return libc.calloc(size);
        }

        @Override
        public long alignedZeroed(long alignment, long size) {
            return libc.alignedZeroed(alignment, size);
        }

        @Override
        public long realloc(long address, long size) {
            return libc.realloc(address, size);
        }

        @Override
        public synchronized void free(long address, long size) {
            freed.push(new long[] {address, size});
        }

        synchronized void drain() {
            freed.forEach(b -> libc.free(b[0], b[1]));
            freed.clear();
        }
    }

    private final ReusingBackend backend = new ReusingBackend();
    private final SafeAllocator allocator = SafeAllocator.builder().backend(backend).logger(new RecordingLogger())
            .config(AllocatorConfig.DEFAULTS.withSafety(Safety.CHECKED).withDefaultRecovery(Recovery.FAIL))
            .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
            .build();

    @AfterEach
    void nothingLeaked() {
        assertEquals(0, allocator.stats().bytesInUse());
        backend.drain();
    }

    @Test
    void accessAfterFreeFailsInsteadOfTouchingMemory() {
        MemorySegment s = allocator.rAlloc(64);
        MemorySegment slice = s.asSlice(8, 8);
        s.set(JAVA_LONG, 0, 42);
        allocator.rFree(s);
        assertFalse(s.scope().isAlive());
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> slice.get(JAVA_LONG, 0), "slices die with it");
    }

    @Test
    void aSecondFreeIsRejectedEvenAfterTheAddressWasReused() {
        MemorySegment first = allocator.rAlloc(64);
        allocator.rFree(first);
        MemorySegment second = allocator.rAlloc(64);
        assertEquals(first.address(), second.address(), "the backend reused the address");
        var e = assertThrows(IllegalArgumentException.class, () -> allocator.rFree(first));
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
        second.set(JAVA_BYTE, 0, (byte) 1); // the new allocation is untouched and still live
        assertEquals(64, allocator.stats().bytesInUse());
        assertThrows(IllegalArgumentException.class, () -> allocator.rRealloc(first, 128));
        allocator.rFree(second);
    }

    @Test
    void aResizeEndsTheOldSegmentAndAFailedResizeKeepsIt() {
        MemorySegment s = allocator.rAlloc(32);
        s.set(JAVA_BYTE, 31, (byte) 5);
        allocator.configure(allocator.config().withLimit(100));
        assertEquals(Cause.LIMIT, assertThrows(MemoryAllocationException.class, () -> allocator.rRealloc(s, 200)).cause());
        assertEquals(5, s.get(JAVA_BYTE, 31), "still valid after a failed resize");
        MemorySegment grown = allocator.rRealloc(s, 64);
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0));
        assertEquals(5, grown.get(JAVA_BYTE, 31));
        allocator.rFree(grown);
    }

    @Test
    void aClosedOwnersSegmentsDieWithIt() {
        OwnerView view = allocator.open(new Owner(3, "stopping"));
        MemorySegment s = view.rAlloc(16);
        view.release();
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0));
        assertThrows(IllegalArgumentException.class, () -> allocator.rFree(s));
    }

    @Test
    void segmentsOfBothModesStayFreeableAcrossAModeChange() {
        MemorySegment checked = allocator.rAlloc(16);
        allocator.configure(allocator.config().withSafety(Safety.FAST));
        MemorySegment fast = allocator.rAlloc(24);
        assertTrue(fast.scope().isAlive());
        allocator.rFree(checked);
        allocator.configure(allocator.config().withSafety(Safety.CHECKED));
        allocator.rFree(fast);
        assertThrows(IllegalArgumentException.class, () -> allocator.rFree(fast));
        assertThrows(IllegalArgumentException.class, () -> allocator.rFree(checked));
    }

    @Test
    void allocTypeMemdupAndAdoptAreCheckedToo() {
        MemorySegment t = allocator.rAllocType(JAVA_LONG);
        MemorySegment d = allocator.rMemdup(MemorySegment.ofArray(new byte[] {1, 2}));
        long raw = LibcBackend.INSTANCE.malloc(8);
        MemorySegment a = allocator.adopt(MemorySegment.ofAddress(raw), 8);
        allocator.rFree(t);
        allocator.rFree(d);
        allocator.rFree(a);
        assertThrows(IllegalStateException.class, () -> t.get(JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> d.get(JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> a.get(JAVA_LONG, 0));
    }

    @Test
    void fastModeSegmentsHaveTheGlobalScope() {
        SafeAllocator fast = SafeAllocator.builder().logger(new RecordingLogger()).build();
        MemorySegment s = fast.rAlloc(8);
        assertEquals(MemorySegment.NULL.scope(), s.scope(), "FAST mode pays no arena");
        fast.rFree(s);
    }
}
