package io.safealloc.demo.libc;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.demo.TestAllocators;

/**
 * Real libc, called through the Linker with SafeAlloc memory: the other half of every call is C
 * code none of ours wrote, so the memory must really be what FFM promises (sizes, alignment, NUL
 * terminators, lifetimes).
 */
class LibcWithSafeAllocTest {

    private final SafeAllocator allocator = TestAllocators.withLimit(1 << 20);
    private final OwnerView mem = allocator.open(new Owner(3, "io.safealloc.demo"));

    @AfterEach
    void allMemoryIsBack() {
        assertEquals(0, allocator.stats().bytesInUse());
        mem.close();
    }

    @Test
    void strlenAndSnprintfOnStringsFromTheService() {
        AllocatorService service = mem;
        MemorySegment text = service.allocateFrom("SafeAlloc checks every allocation");
        assertEquals(33, Libc.strlen(text));
        MemorySegment format = service.allocateFrom("%d sensors");
        MemorySegment out = service.allocate(32);
        assertEquals(10, Libc.snprintf(out, out.byteSize(), format, 12));
        assertEquals("12 sensors", out.getString(0));
        assertEquals(33 + 1 + 11 + 32, allocator.stats().bytesInUse());
        service.rFree(text);
        service.rFree(format);
        service.rFree(out);
    }

    @Test
    void qsortWithAnUpcallComparatorOverAnArenaArray() {
        int[] values = new Random(42).ints(1000, -10_000, 10_000).toArray();
        try (Arena arena = mem.confinedArena()) {
            MemorySegment array = arena.allocateFrom(JAVA_INT, values);
            MemorySegment compar = Libc.Compar.allocate((a, b) -> Integer.compare(
                    a.reinterpret(4).get(JAVA_INT, 0), b.reinterpret(4).get(JAVA_INT, 0)), arena);
            Libc.qsort(array, values.length, JAVA_INT.byteSize(), compar);
            int[] sorted = values.clone();
            Arrays.sort(sorted);
            assertArrayEquals(sorted, array.toArray(JAVA_INT));
            assertEquals(4000, allocator.stats().bytesInUse()); // the stub is the JDK's, not accounted
        }
    }

    @Test
    void structsFilledByC() {
        try (Arena arena = mem.confinedArena()) {
            MemorySegment tv = Libc.Timeval.allocate(arena);
            assertEquals(0, Libc.gettimeofday(tv, MemorySegment.NULL));
            long now = System.currentTimeMillis() / 1000;
            assertTrue(Math.abs(Libc.Timeval.tv_sec(tv) - now) <= 2, Libc.Timeval.tv_sec(tv) + " vs " + now);
            assertTrue(Libc.Timeval.tv_usec(tv) >= 0 && Libc.Timeval.tv_usec(tv) < 1_000_000);

            MemorySegment uts = Libc.Utsname.allocate(mem); // the service as the SegmentAllocator
            assertEquals(0, Libc.uname(uts));
            assertEquals("Linux", Libc.Utsname.sysname(uts).getString(0));
            assertEquals(System.getProperty("os.arch").replace("amd64", "x86_64"),
                    Libc.Utsname.machine(uts).getString(0));
            mem.rFree(uts);
        }
    }

    @Test
    void aSegmentOfAClosedArenaCannotReachC() {
        MemorySegment text;
        try (Arena arena = mem.confinedArena()) {
            text = arena.allocateFrom("gone soon");
            assertEquals(9, Libc.strlen(text));
        }
        MemorySegment stale = text;
        assertThrows(IllegalStateException.class, () -> Libc.strlen(stale)); // the Linker checks the scope
    }

    @Test
    void theBudgetAppliesToWhatBindingsAllocate() {
        try (Arena arena = mem.confinedArena()) {
            arena.allocate(1 << 19);
            arena.allocate(1 << 19);
            assertThrows(MemoryAllocationException.class, () -> Libc.Timeval.allocate(arena));
        }
    }

    @Test
    void hostInfoReadsUnameThroughAnArena() {
        String host = HostInfo.describe(mem);
        assertTrue(host.startsWith("Linux "), host);
        assertEquals(1, allocator.stats().bundles().getFirst().frees());
    }
}
