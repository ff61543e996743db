package io.safealloc.handlers.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.handlers.RecordingLogger;

/** The history survives a reload from its file, is written atomically, and stays small. */
class AbortHistoryTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    Path folder;

    private final RecordingLogger log = new RecordingLogger();

    private Path file() {
        return folder.resolve("abort-history.txt");
    }

    @Test
    void aMissingFileIsAnEmptyHistory() {
        AbortHistory history = AbortHistory.load(file(), log);
        assertEquals(List.of(), history.times());
        assertEquals(0, history.countSince(Instant.EPOCH));
        assertEquals(List.of(), log.lines);
    }

    @Test
    void recordedTimesAreInTheFileAndAReloadSeesThem() throws IOException {
        AbortHistory history = AbortHistory.load(file(), log);
        history.record(T0, DAY);
        history.record(T0.plusSeconds(60), DAY);

        assertEquals(List.of("2025-03-01T10:00:00Z", "2025-03-01T10:01:00Z"),
                Files.readAllLines(file(), StandardCharsets.UTF_8), "one ISO-8601 instant per line");
        assertEquals(List.of(T0, T0.plusSeconds(60)), AbortHistory.load(file(), log).times());
    }

    @Test
    void writesLeaveNoTemporaryFileBehind() throws IOException {
        AbortHistory history = AbortHistory.load(file(), log);
        for (int i = 0; i < 5; i++) {
            history.record(T0.plusSeconds(i), DAY);
        }
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(file()), files.toList());
        }
    }

    @Test
    void entriesOlderThanTheRetentionAreDroppedOnTheNextRecord() {
        AbortHistory history = AbortHistory.load(file(), log);
        history.record(T0, Duration.ofMinutes(10));
        history.record(T0.plus(Duration.ofMinutes(5)), Duration.ofMinutes(10));
        history.record(T0.plus(Duration.ofMinutes(12)), Duration.ofMinutes(10));
        assertEquals(List.of(T0.plus(Duration.ofMinutes(5)), T0.plus(Duration.ofMinutes(12))),
                AbortHistory.load(file(), log).times());
    }

    @Test
    void theFileIsBoundedWhateverTheRetention() {
        AbortHistory history = AbortHistory.load(file(), log);
        for (int i = 0; i < AbortHistory.MAX_ENTRIES + 10; i++) {
            history.record(T0.plusSeconds(i), DAY);
        }
        List<Instant> reloaded = AbortHistory.load(file(), log).times();
        assertEquals(AbortHistory.MAX_ENTRIES, reloaded.size());
        assertEquals(T0.plusSeconds(AbortHistory.MAX_ENTRIES + 9), reloaded.get(reloaded.size() - 1), "the newest kept");
    }

    @Test
    void countSinceCountsOnlyLaterEntries() {
        AbortHistory history = AbortHistory.load(file(), log);
        history.record(T0, DAY);
        history.record(T0.plusSeconds(1), DAY);
        assertEquals(2, history.countSince(T0.minusNanos(1)));
        assertEquals(1, history.countSince(T0), "an entry exactly at the start of the window is outside it");
        assertEquals(0, history.countSince(T0.plusSeconds(1)));
    }

    @Test
    void unreadableLinesAreSkippedAndReported() throws IOException {
        Files.writeString(file(), "2025-03-01T10:00:00Z\ngarbage\n\n2025-03-01T09:00:00Z\n");
        AbortHistory history = AbortHistory.load(file(), log);
        assertEquals(List.of(T0.minusSeconds(3600), T0), history.times(), "sorted, the bad line skipped");
        assertTrue(log.contains("WARNING " + file() + ": skipped unreadable line \"garbage\""), log.lines.toString());
    }

    @Test
    void aHistoryThatCannotBeWrittenGoesOnInMemory() throws IOException {
        Path notAFolder = folder.resolve("plain-file");
        Files.writeString(notAFolder, "x");
        AbortHistory history = AbortHistory.load(notAFolder.resolve("abort-history.txt"), log);

        history.record(T0, DAY);

        assertEquals(1, history.countSince(T0.minusSeconds(1)));
        assertTrue(log.contains("ERROR cannot write the abort history"), log.lines.toString());
        assertFalse(Files.exists(notAFolder.resolve("abort-history.txt")));
    }

    @Test
    void withoutAFileItIsKeptInMemoryOnly() {
        AbortHistory history = AbortHistory.load(null, log);
        history.record(T0, DAY);
        assertEquals(List.of(T0), history.times());
        assertEquals(List.of(), log.lines);
    }
}
