package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.safealloc.api.MemStats;
import io.safealloc.api.MemoryAllocationException;

/**
 * Issue 12, item 7: adopting the largest size again and again cannot overflow the booked totals
 * (2^20 + 1 adoptions of {@link Entry#MAX_SIZE} used to make the bytes in use negative, after
 * which any allocation passed any limit). No real memory: the addresses are made up, distinct and
 * aligned as malloc aligns, and the backend's free ignores them.
 */
@Timeout(120)
class AdoptOverflowTest {

    private static final long FAKE_BASE = 1L << 44;

    @Test
    void adoptingPastTheSafeTotalIsRefusedBeforeAnythingChanges() {
        FaultInjectingBackend libc = FaultInjectingBackend.reliable();
        NativeBackend backend = new ForwardingBackend(libc) {
            @Override
            public void free(long address, long size) {
                if (address < FAKE_BASE) {
                    super.free(address, size);
                }
            }
        };
        SafeAllocator allocator = TestAllocators.failing(backend, Safety.FAST);
        OwnerView view = allocator.unowned();
        long adopted = 0;
        IllegalArgumentException refused = null;
        for (long i = 0; i <= 1L << 20; i++) {
            try {
                view.adopt(MemorySegment.ofAddress(FAKE_BASE + 16 * i), Entry.MAX_SIZE);
                adopted++;
            } catch (IllegalArgumentException e) {
                refused = e;
                break;
            }
        }
        assertNotNull(refused, "2^20 + 1 adoptions of " + Entry.MAX_SIZE + " bytes were all accepted");
        assertTrue(refused.getMessage().startsWith("adopt: 8796093022207 more bytes would take the bytes held in total"),
                refused.getMessage());
        assertTrue(refused.getMessage().endsWith("; nothing was adopted"), refused.getMessage());
        MemStats stats = allocator.stats();
        assertEquals(adopted * Entry.MAX_SIZE, stats.bytesInUse(), "exact, never wrapped");
        assertEquals(adopted, stats.liveAllocations(), "the refused address was not entered");
        assertTrue(stats.peak() >= stats.bytesInUse());

        allocator.configure(allocator.config().withLimit(1024 * 1024));
        assertThrows(MemoryAllocationException.class, () -> view.rAlloc(64 * 1024 * 1024),
                "far over a 1 MiB limit: refused");
        assertEquals(0, libc.calls(), "nothing reached malloc");

        for (long i = 0; i < adopted; i++) {
            view.rFree(MemorySegment.ofAddress(FAKE_BASE + 16 * i));
        }
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(0, allocator.stats().liveAllocations());
    }
}
