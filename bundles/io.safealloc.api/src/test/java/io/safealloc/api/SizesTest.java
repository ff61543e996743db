package io.safealloc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one size syntax (shell, configuration files, Config Admin): units, and one-line messages for what is not a size. */
class SizesTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "4096, 4096",
            "512k, 524288",
            "512K, 524288",
            "64m, 67108864",
            "64M, 67108864",
            "64MiB, 67108864",
            "64 MiB, 67108864",
            "64mb, 67108864",
            "1g, 1073741824",
            "2t, 2199023255552",
            "100b, 100",
            "67_108_864, 67108864",
            "' 8k ', 8192"})
    void parsesBytesAndBinaryUnits(String text, long expected) {
        assertEquals(expected, Sizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "1.5m", "0x10", "64x", "m", "k64", "1__", "+5", "64 m b"})
    void rejectsWhatIsNotASize(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-64m"})
    void rejectsNegativeSizesSayingSo(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "8388608t", "99999999999999999999k"})
    void rejectsSizesBeyondALong(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void theLargestRepresentableSizeWithAUnitIsAccepted() {
        assertEquals(8_388_607L << 40, Sizes.parse("8388607t"));
    }
}
