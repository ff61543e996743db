package io.safealloc.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The configured ranking is what the allocator will apply, and a wrong type is reported. */
class ServiceRankingTest {

    private final RecordingLogger log = new RecordingLogger();

    @Test
    void anIntegerRankingIsTakenSilently() {
        assertEquals(900, ServiceRanking.check(Map.of("service.ranking", 900), "pid", log));
        assertEquals(-100, ServiceRanking.check(Map.of("service.ranking", -100), "pid", log));
        assertTrue(log.lines.isEmpty(), log.lines.toString());
    }

    @Test
    void aLongRankingCountsAsZeroAndTheWarningSaysHowToTypeIt() {
        assertEquals(0, ServiceRanking.check(Map.of("service.ranking", 900L), "io.safealloc.handlers.audit", log));
        assertEquals(1, log.lines.size());
        String line = log.lines.get(0);
        assertTrue(line.startsWith("WARNING io.safealloc.handlers.audit: service.ranking must be an Integer, was Long 900"), line);
        assertTrue(line.contains("\"service.ranking:Integer\": 900"), line);
    }

    @Test
    void aStringRankingCountsAsZero() {
        assertEquals(0, ServiceRanking.check(Map.of("service.ranking", "900"), "pid", log));
        assertTrue(log.contains("was String 900"), log.lines.toString());
    }
}
