package io.safealloc.allocator.osgi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.safealloc.api.AllocatorConstants;

/**
 * The last configuration the allocator applied, kept in its bundle's data area, so that a
 * configuration that cannot be used at the next start (stored by hand, or by a tool that does not
 * validate) does not start the gateway with no budget: the last valid one runs instead.
 *
 * <p>Not thread-safe: the component calls it from the configuration thread only.
 */
final class LastValidSettings {

    private static final List<String> KEYS = List.of(AllocatorConstants.LIMIT, AllocatorConstants.WARN_PERCENT,
            AllocatorConstants.MAX_ALLOCATION, AllocatorConstants.MAX_RETRIES, AllocatorConstants.DEFAULT_RECOVERY,
            AllocatorConstants.ABORT_EXIT_CODE, AllocatorConstants.SAFETY, AllocatorConstants.ABORT_TIMEOUT_SECONDS,
            AllocatorConstants.AUTO_LIMIT_RESERVE, AllocatorConstants.PRESSURE_SOURCES,
            AllocatorConstants.PRESSURE_INTERVAL_MILLIS, AllocatorConstants.PRESSURE_ROOT,
            AllocatorConstants.PRESSURE_RECOVERY, AllocatorConstants.PRESSURE_HYSTERESIS_PERCENT,
            AllocatorConstants.PRESSURE_SHRINK_PERCENT, AllocatorConstants.HEAP_HIGH_PERCENT,
            AllocatorConstants.HEAP_CRITICAL_PERCENT, AllocatorConstants.DIRECT_HIGH_PERCENT,
            AllocatorConstants.DIRECT_CRITICAL_PERCENT, AllocatorConstants.CONTAINER_HIGH_PERCENT,
            AllocatorConstants.CONTAINER_CRITICAL_PERCENT, AllocatorConstants.SYSTEM_HIGH_PERCENT,
            AllocatorConstants.SYSTEM_CRITICAL_PERCENT, AllocatorConstants.PSI_SOME_HIGH_PERCENT,
            AllocatorConstants.PSI_FULL_CRITICAL_PERCENT);

    private final Path file;
    private final Logger log;

    /** @param file where to keep it; {@code null} when the framework has no file system (nothing is kept) */
    LastValidSettings(File file, Logger log) {
        this.file = file == null ? null : file.toPath();
        this.log = log;
    }

    /** @return where it is kept, for the log */
    String where() {
        return String.valueOf(file);
    }

    /** Remembers {@code properties}, which were just applied. */
    void save(Map<String, ?> properties) {
        if (file == null) {
            return;
        }
        Properties kept = new Properties();
        for (String key : KEYS) {
            Object value = properties.get(key);
            if (value != null) {
                kept.setProperty(key, value.toString());
            }
        }
        try {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                kept.store(out, "the last configuration of " + AllocatorConstants.PID + " that was applied");
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.log(Level.WARNING, "could not keep the last valid configuration in {0}: {1}", file, e.toString());
        }
    }

    /** @return the last applied configuration's properties, if one was kept */
    Optional<Map<String, String>> load() {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties kept = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            kept.load(in);
        } catch (IOException | IllegalArgumentException e) {
            log.log(Level.WARNING, "the last valid configuration in {0} is unreadable: {1}", file, e.toString());
            return Optional.empty();
        }
        Map<String, String> properties = new HashMap<>();
        kept.stringPropertyNames().forEach(key -> properties.put(key, kept.getProperty(key)));
        return Optional.of(properties);
    }
}
