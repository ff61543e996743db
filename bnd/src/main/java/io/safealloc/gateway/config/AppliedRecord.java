package io.safealloc.gateway.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the gateway wrote into Config Admin at its earlier starts, per PID and key: the value (in
 * {@link PrecedenceRule#canonical} form) and its source. Kept in the gateway bundle's data area, so
 * it lives and dies with the framework storage, as the configurations do.
 *
 * <p>Not thread-safe: the start of the gateway bundle uses it once.
 */
final class AppliedRecord {

    /** @param canonical the value written, {@link PrecedenceRule#canonical} form; @param source where it came from */
    record Entry(String canonical, String source) {
    }

    /** Between PID and key in a line of the file: neither PIDs nor property keys contain it. */
    private static final String SEPARATOR = " ";
    private static final String VALUE_SEPARATOR = "\n";

    private final Map<String, Map<String, Entry>> pids = new TreeMap<>();

    /** @return the record in {@code file}, empty when there is none yet */
    static AppliedRecord load(Path file) throws IOException {
        AppliedRecord record = new AppliedRecord();
        if (Files.isRegularFile(file)) {
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
            for (String name : properties.stringPropertyNames()) {
                int split = name.indexOf(SEPARATOR);
                String entry = properties.getProperty(name);
                int valueSplit = entry.indexOf(VALUE_SEPARATOR);
                if (split > 0 && valueSplit > 0) {
                    record.put(name.substring(0, split), name.substring(split + 1),
                            new Entry(entry.substring(valueSplit + 1), entry.substring(0, valueSplit)));
                }
            }
        }
        return record;
    }

    void save(Path file) throws IOException {
        Properties properties = new Properties();
        pids.forEach((pid, keys) -> keys.forEach((key, entry) ->
                properties.setProperty(pid + SEPARATOR + key, entry.source() + VALUE_SEPARATOR + entry.canonical())));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            properties.store(out, "SafeAlloc gateway: configuration values written at start (see docs/gateway.md)");
        }
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** @return the PIDs with a record */
    Iterable<String> pids() {
        return pids.keySet();
    }

    /** @return the PID's entries, empty when none */
    Map<String, Entry> of(String pid) {
        return pids.getOrDefault(pid, Map.of());
    }

    /** Replaces the PID's entries; none: forgets the PID. */
    void replace(String pid, Map<String, Entry> entries) {
        if (entries.isEmpty()) {
            pids.remove(pid);
        } else {
            pids.put(pid, new LinkedHashMap<>(entries));
        }
    }

    private void put(String pid, String key, Entry entry) {
        pids.computeIfAbsent(pid, p -> new LinkedHashMap<>()).put(key, entry);
    }
}
