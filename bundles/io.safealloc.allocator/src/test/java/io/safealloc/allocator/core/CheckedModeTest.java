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
    static final class ReusingBackend extends ForwardingBackend {
        private final Deque<long[]> freed = new ArrayDeque<>();
        final FlakyBackend libc;

        ReusingBackend() {
            this(new FlakyBackend());
        }

        private ReusingBackend(FlakyBackend libc) {
            super(libc);
            this.libc = libc;
        }

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
        MemorySegment s = allocator.unowned().rAlloc(64);
        MemorySegment slice = s.asSlice(8, 8);
        s.set(JAVA_LONG, 0, 42);
        allocator.unowned().rFree(s);
        assertFalse(s.scope().isAlive());
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> slice.get(JAVA_LONG, 0), "slices die with it");
    }

    @Test
    void aSecondFreeIsRejectedEvenAfterTheAddressWasReused() {
        MemorySegment first = allocator.unowned().rAlloc(64);
        allocator.unowned().rFree(first);
        MemorySegment second = allocator.unowned().rAlloc(64);
        assertEquals(first.address(), second.address(), "the backend reused the address");
        var e = assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(first));
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
        second.set(JAVA_BYTE, 0, (byte) 1); // the new allocation is untouched and still live
        assertEquals(64, allocator.stats().bytesInUse());
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rRealloc(first, 128));
        allocator.unowned().rFree(second);
    }

    @Test
    void aSegmentRebuiltFromALiveAddressIsRejectedAsNotTheOneHandedOutNotAsFreed() {
        MemorySegment s = allocator.unowned().rAlloc(48);
        MemorySegment rebuilt = MemorySegment.ofAddress(s.address()).reinterpret(48);
        var e = assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(rebuilt));
        assertEquals(String.format("rFree: 0x%x is a live CHECKED allocation, but this segment is not the one handed "
                + "out for it (rebuilt from a raw address?); pass the segment the allocator returned; nothing was "
                + "changed", s.address()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rRealloc(rebuilt, 96));
        assertEquals(48, allocator.stats().bytesInUse(), "the allocation is untouched");
        s.set(JAVA_BYTE, 47, (byte) 9);
        allocator.unowned().rFree(s);
    }

    @Test
    void aResizeEndsTheOldSegmentAndAFailedResizeKeepsIt() {
        MemorySegment s = allocator.unowned().rAlloc(32);
        s.set(JAVA_BYTE, 31, (byte) 5);
        allocator.configure(allocator.config().withLimit(100));
        assertEquals(Cause.LIMIT, assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rRealloc(s, 200)).cause());
        assertEquals(5, s.get(JAVA_BYTE, 31), "still valid after a failed resize");
        MemorySegment grown = allocator.unowned().rRealloc(s, 64);
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0));
        assertEquals(5, grown.get(JAVA_BYTE, 31));
        allocator.unowned().rFree(grown);
    }

    /**
     * Regression (found by StressTest): a resize that moved the block left the old address's lifetime
     * registered until realloc returned, although libc had already freed the address and could give
     * it to another thread. That thread's FAST allocation at the address then looked like someone
     * else's CHECKED one, and its rFree was rejected. Here the backend's realloc moves the block and,
     * before returning, lets exactly that happen.
     */
    @Test
    void anAddressFreedInsideAMovingResizeIsAtOnceUsableByOthers() {
        java.util.Map<Long, Long> sizes = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.List<Throwable> duringResize = new java.util.ArrayList<>();
        long[] reused = new long[1];
        SafeAllocator[] self = new SafeAllocator[1]; // the allocator under test, built with this backend
        NativeBackend moving = new ForwardingBackend(backend) {
            @Override
            public long malloc(long size) {
                long a = backend.malloc(size);
                sizes.put(a, size);
                return a;
            }

            @Override
            public long realloc(long address, long size) {
                long oldSize = sizes.remove(address);
                long moved = backend.libc.malloc(size);
                MemorySegment.copy(MemorySegment.ofAddress(address).reinterpret(oldSize), 0,
                        MemorySegment.ofAddress(moved).reinterpret(size), 0, Math.min(oldSize, size));
                backend.free(address, oldSize); // the old address is free: the next malloc of its size gets it
                try { // another thread, as it were, allocates and frees it before this realloc returns
                    self[0].configure(self[0].config().withSafety(Safety.FAST));
                    MemorySegment other = self[0].unowned().rAlloc(oldSize);
                    reused[0] = other.address();
                    self[0].unowned().rFree(other);
                } catch (Throwable t) {
                    duringResize.add(t);
                }
                sizes.put(moved, size);
                return moved;
            }

            @Override
            public void free(long address, long size) {
                sizes.remove(address);
                backend.free(address, size);
            }
        };
        SafeAllocator a = SafeAllocator.builder().backend(moving).logger(new RecordingLogger())
                .config(AllocatorConfig.DEFAULTS.withSafety(Safety.CHECKED).withDefaultRecovery(Recovery.FAIL))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
        self[0] = a;
        MemorySegment s = a.unowned().rAlloc(64);
        s.set(JAVA_BYTE, 63, (byte) 7);
        MemorySegment grown = a.unowned().rRealloc(s, 128);
        assertEquals(s.address(), reused[0], "the other allocation got the old address");
        assertEquals(java.util.List.of(), duringResize, "its rFree was accepted");
        assertEquals(7, grown.get(JAVA_BYTE, 63));
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0), "the old segment is stale");
        a.unowned().rFree(grown);
        assertEquals(0, a.stats().bytesInUse());
        assertEquals(0, a.stats().liveAllocations());
    }

    /**
     * An owner closed while one of its CHECKED allocations was between entering the live table and
     * getting its lifetime: the release found no lifetime to end, so the allocation ends it itself
     * and fails as closed; the address carries no leftover lifetime into its next allocation.
     */
    @Test
    void anOwnerClosedInTheMiddleOfACheckedAllocationLeavesNoLifetimeBehind() {
        SafeAllocator a = allocator;
        // The WARNING handler runs after the block entered the live table and before its segment
        // exists: the bundle stops right there.
        a.configure(a.config().withLimit(1000).withWarnPercent(50));
        OwnerView view = a.open(new Owner(9, "stopping"));
        a.handlers().add(event -> {
            if (event.cause() == Cause.WARNING) {
                view.release();
            }
            return Recovery.DEFER;
        }, 0);
        var e = assertThrows(IllegalStateException.class, () -> view.rAlloc(600));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        assertEquals(0, a.stats().bytesInUse(), "the release freed it");
        a.configure(a.config().withSafety(Safety.FAST));
        MemorySegment next = a.unowned().rAlloc(600); // the backend hands the same address out again
        a.unowned().rFree(next); // accepted: no leftover lifetime claims the address
        assertEquals(0, a.stats().liveAllocations());
    }

    @Test
    void aClosedOwnersSegmentsDieWithIt() {
        OwnerView view = allocator.open(new Owner(3, "stopping"));
        MemorySegment s = view.rAlloc(16);
        view.release();
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_BYTE, 0));
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(s));
    }

    @Test
    void segmentsOfBothModesStayFreeableAcrossAModeChange() {
        MemorySegment checked = allocator.unowned().rAlloc(16);
        allocator.configure(allocator.config().withSafety(Safety.FAST));
        MemorySegment fast = allocator.unowned().rAlloc(24);
        assertTrue(fast.scope().isAlive());
        allocator.unowned().rFree(checked);
        allocator.configure(allocator.config().withSafety(Safety.CHECKED));
        allocator.unowned().rFree(fast);
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(fast));
        assertThrows(IllegalArgumentException.class, () -> allocator.unowned().rFree(checked));
    }

    @Test
    void allocTypeMemdupAndAdoptAreCheckedToo() {
        MemorySegment t = allocator.unowned().rAllocType(JAVA_LONG);
        MemorySegment d = allocator.unowned().rMemdup(MemorySegment.ofArray(new byte[] {1, 2}));
        long raw = LibcBackend.INSTANCE.malloc(8);
        MemorySegment a = allocator.unowned().adopt(MemorySegment.ofAddress(raw), 8);
        allocator.unowned().rFree(t);
        allocator.unowned().rFree(d);
        allocator.unowned().rFree(a);
        assertThrows(IllegalStateException.class, () -> t.get(JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> d.get(JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> a.get(JAVA_LONG, 0));
    }

    @Test
    void fastModeSegmentsHaveTheGlobalScope() {
        SafeAllocator fast = SafeAllocator.builder().logger(new RecordingLogger()).build();
        MemorySegment s = fast.unowned().rAlloc(8);
        assertEquals(MemorySegment.NULL.scope(), s.scope(), "FAST mode pays no arena");
        fast.unowned().rFree(s);
    }
}
