package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link Reserve}: how much a thread keeps of a budget ({@link Reserve#keepFor}) and how far its
 * reserve may grow ({@link Reserve#ceilingFor}), with and without a limit.
 */
class ReserveTest {

    @Test
    void aThreadKeeps64KiBWithoutALimitElseA1024thOfItAtMost64KiB() {
        assertEquals(64 * 1024, Reserve.MAX_KEEP);
        assertEquals(Reserve.MAX_KEEP, Reserve.keepFor(0), "no limit");
        assertEquals(0, Reserve.keepFor(1), "tiny limits are exact: nothing kept");
        assertEquals(0, Reserve.keepFor(1023));
        assertEquals(1, Reserve.keepFor(1024));
        assertEquals(10_000 / 1024, Reserve.keepFor(10_000));
        assertEquals(1024, Reserve.keepFor(1 << 20));
        assertEquals(Reserve.MAX_KEEP - 1, Reserve.keepFor(Reserve.MAX_KEEP * 1024 - 1024));
        assertEquals(Reserve.MAX_KEEP, Reserve.keepFor(Reserve.MAX_KEEP * 1024));
        assertEquals(Reserve.MAX_KEEP, Reserve.keepFor(1L << 40), "capped");
        assertEquals(Reserve.MAX_KEEP, Reserve.keepFor(Long.MAX_VALUE), "capped, no overflow");
    }

    @Test
    void aReserveGrowsTo4MiBWithoutALimitElseToA1024thOfIt() {
        assertEquals(4 * 1024 * 1024, Reserve.MAX_CEILING);
        assertEquals(Reserve.MAX_CEILING, Reserve.ceilingFor(0), "no limit");
        assertEquals(0, Reserve.ceilingFor(1023), "tiny limits are exact: nothing kept");
        assertEquals(1024, Reserve.ceilingFor(1 << 20), "no more than keepFor under small limits");
        assertEquals(Reserve.keepFor(1 << 20), Reserve.ceilingFor(1 << 20));
        assertEquals(1 << 20, Reserve.ceilingFor(1L << 30));
        assertEquals(Reserve.MAX_CEILING, Reserve.ceilingFor(1L << 40), "capped");
        assertEquals(Reserve.MAX_CEILING, Reserve.ceilingFor(Long.MAX_VALUE), "capped, no overflow");
    }
}
