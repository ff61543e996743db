package io.safealloc.shell.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;


class SizeFormatTest {

    @Test
    void bytesBelowOneKibibyteAreExact() {
        assertEquals("0 B", SizeFormat.human(0));
        assertEquals("96 B", SizeFormat.human(96));
        assertEquals("1023 B", SizeFormat.human(1023));
    }

    @Test
    void largerSizesUseBinaryUnitsWithOneDecimal() {
        assertEquals("1.0 KiB", SizeFormat.human(1024));
        assertEquals("1.5 KiB", SizeFormat.human(1536));
        assertEquals("64.0 MiB", SizeFormat.human(64L << 20));
        assertEquals("54.4 MiB", SizeFormat.human(57_042_534)); // 85 % of 64 MiB
        assertEquals("1.0 GiB", SizeFormat.human(1L << 30));
        assertEquals("8.0 TiB", SizeFormat.human(8L << 40));
        assertEquals("8.0 EiB", SizeFormat.human(Long.MAX_VALUE));
    }

    @Test
    void roundingNeverShows1024OfAUnit() {
        assertEquals("1.0 MiB", SizeFormat.human((1L << 20) - 1));
        assertEquals("1023.9 KiB", SizeFormat.human(1023 * 1024 + 900));
    }

    @Test
    void withBytesAddsTheExactCount() {
        assertEquals("64.0 MiB (67108864 bytes)", SizeFormat.withBytes(64L << 20));
        assertEquals("96 bytes", SizeFormat.withBytes(96));
    }

    @Test
    void negativeValuesKeepTheirSign() {
        assertEquals("-2.0 KiB", SizeFormat.human(-2048));
    }
}
