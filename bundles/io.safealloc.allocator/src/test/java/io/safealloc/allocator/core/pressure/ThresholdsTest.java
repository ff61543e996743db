package io.safealloc.allocator.core.pressure;

import static io.safealloc.api.PressureLevel.CRITICAL;
import static io.safealloc.api.PressureLevel.HIGH;
import static io.safealloc.api.PressureLevel.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Levels rise at a threshold and fall only the hysteresis below it. */
class ThresholdsTest {

    private final Thresholds t = new Thresholds(80, 90, 5);

    @Test
    void risesAtEachThreshold() {
        assertEquals(NORMAL, t.next(NORMAL, 79.9));
        assertEquals(HIGH, t.next(NORMAL, 80));
        assertEquals(CRITICAL, t.next(NORMAL, 95), "a jump skips HIGH");
        assertEquals(CRITICAL, t.next(HIGH, 90));
    }

    @Test
    void fallsOnlyBelowTheThresholdMinusTheHysteresis() {
        assertEquals(HIGH, t.next(HIGH, 76), "hovering just under 80 stays HIGH");
        assertEquals(HIGH, t.next(HIGH, 75.01));
        assertEquals(NORMAL, t.next(HIGH, 75));
        assertEquals(CRITICAL, t.next(CRITICAL, 86));
        assertEquals(HIGH, t.next(CRITICAL, 85));
        assertEquals(NORMAL, t.next(CRITICAL, 10), "a drop skips HIGH");
    }

    @Test
    void nonsenseIsRejectedWithTheSetting() {
        assertEquals("critical threshold must be between the high threshold (80) and 100 %, was 70",
                assertThrows(IllegalArgumentException.class, () -> new Thresholds(80, 70, 5)).getMessage());
        assertEquals("hysteresis must be between 0 and the high threshold (10) minus 1 %, was 10",
                assertThrows(IllegalArgumentException.class, () -> new Thresholds(10, 20, 10)).getMessage());
        assertEquals("high threshold must be between 1 and 100 %, was 0",
                assertThrows(IllegalArgumentException.class, () -> new Thresholds(0, 20, 0)).getMessage());
    }
}
