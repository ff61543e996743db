package io.safealloc.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class UsageHistoryTest {

    private static UsageHistory.Sample sample(long time) {
        return new UsageHistory.Sample(time, time * 10, 100, 85, Map.of("b", time));
    }

    @Test
    void keepsTheNewestSamplesOldestFirst() {
        UsageHistory history = new UsageHistory(3);
        for (long t = 1; t <= 5; t++) {
            history.add(sample(t));
        }
        assertEquals(List.of(3L, 4L, 5L), history.newest(10).stream().map(UsageHistory.Sample::timeMillis).toList());
        assertEquals(List.of(4L, 5L), history.newest(2).stream().map(UsageHistory.Sample::timeMillis).toList());
        assertEquals(List.of(), history.newest(0));
    }

    @Test
    void capacityMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new UsageHistory(0));
    }
}
