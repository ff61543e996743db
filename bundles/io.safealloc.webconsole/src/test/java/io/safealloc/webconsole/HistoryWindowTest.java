package io.safealloc.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HistoryWindowTest {

    @Test
    void absentMeansAllTheHistory() {
        assertEquals(600, HistoryWindow.samples(null, 300, 2));
    }

    @Test
    void secondsBecomeSamples() {
        assertEquals(2, HistoryWindow.samples("1", 300, 2));
        assertEquals(600, HistoryWindow.samples(" 300 ", 300, 2));
    }

    @Test
    void badValuesGiveOneLine() {
        assertEquals("seconds: not a whole number: abc",
                assertThrows(IllegalArgumentException.class, () -> HistoryWindow.samples("abc", 300, 2)).getMessage());
        assertEquals("seconds must be from 1 to 300, was 0",
                assertThrows(IllegalArgumentException.class, () -> HistoryWindow.samples("0", 300, 2)).getMessage());
        assertEquals("seconds must be from 1 to 300, was 301",
                assertThrows(IllegalArgumentException.class, () -> HistoryWindow.samples("301", 300, 2)).getMessage());
        String longInput = "x".repeat(100);
        assertEquals("seconds: not a whole number: " + "x".repeat(40) + "...",
                assertThrows(IllegalArgumentException.class, () -> HistoryWindow.samples(longInput, 300, 2)).getMessage());
    }
}
