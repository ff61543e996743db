package io.safealloc.handlers.guard;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The times of the recent aborts and restarts, kept in a file so that they survive the restarts
 * they describe: one ISO-8601 instant per line, oldest first, readable by an operator.
 *
 * <p>Every change rewrites the whole (small) file atomically: a temporary file in the same folder
 * is written and forced to disk, then moved over the old one, so a power cut leaves either the old
 * or the new history, never half a file. At most {@value #MAX_ENTRIES} entries are kept, and none
 * older than the retention given to {@link #record}. A line that cannot be read is logged and
 * skipped; a file that cannot be written is logged and the history goes on in memory.
 *
 * <p>Thread-safety: {@link #record} is serialised; {@link #countSince} reads an immutable snapshot
 * and never waits for a write.
 */
public final class AbortHistory {

    /** Bounds the file whatever the retention. */
    static final int MAX_ENTRIES = 256;

    private final Path file;
    private final Logger log;
    private volatile List<Instant> times;

    private AbortHistory(Path file, Logger log, List<Instant> times) {
        this.file = file;
        this.log = log;
        this.times = List.copyOf(times);
    }

    /**
     * Reads the history from {@code file}; a missing file is an empty history.
     *
     * @param file where the history lives, or {@code null} to keep it in memory only (when the
     *     framework offers no persistent storage)
     */
    public static AbortHistory load(Path file, Logger log) {
        Objects.requireNonNull(log, "log");
        List<Instant> times = new ArrayList<>();
        if (file != null) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        try {
                            times.add(Instant.parse(line.trim()));
                        } catch (DateTimeParseException e) {
                            log.log(Level.WARNING, "{0}: skipped unreadable line \"{1}\"", file, line);
                        }
                    }
                }
            } catch (NoSuchFileException e) {
                // First start: nothing recorded yet.
            } catch (IOException e) {
                log.log(Level.ERROR, "cannot read the abort history " + file + "; starting empty", e);
            }
        }
        times.sort(null);
        return new AbortHistory(file, log, times);
    }

    /**
     * Records an abort or restart and persists the history before returning (the process may end
     * right after).
     *
     * @param when when it happened
     * @param retention entries older than {@code when - retention} are dropped
     */
    public synchronized void record(Instant when, Duration retention) {
        Instant oldest = when.minus(retention);
        List<Instant> next = new ArrayList<>(times.size() + 1);
        for (Instant t : times) {
            if (t.isAfter(oldest)) {
                next.add(t);
            }
        }
        next.add(when);
        next.sort(null);
        if (next.size() > MAX_ENTRIES) {
            next = next.subList(next.size() - MAX_ENTRIES, next.size());
        }
        times = List.copyOf(next);
        if (file != null) {
            write(times);
        }
    }

    /** @return how many entries are later than {@code from} (entries dated after now count too) */
    public int countSince(Instant from) {
        int count = 0;
        for (Instant t : times) {
            if (t.isAfter(from)) {
                count++;
            }
        }
        return count;
    }

    /** @return the entries, oldest first */
    public List<Instant> times() {
        return times;
    }

    /** @return the file, or {@code null} when the history is kept in memory only */
    public Path file() {
        return file;
    }

    private void write(List<Instant> entries) {
        StringBuilder text = new StringBuilder();
        for (Instant t : entries) {
            text.append(t).append('\n');
        }
        Path temp = null;
        try {
            Path folder = file.toAbsolutePath().getParent();
            Files.createDirectories(folder);
            temp = Files.createTempFile(folder, file.getFileName().toString(), ".tmp");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.log(Level.ERROR, "cannot write the abort history " + file + "; it is kept in memory only", e);
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // Nothing more to do: the error above is what matters.
                }
            }
        }
    }
}
