package io.safealloc.allocator.core.pressure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads {@code /proc} and {@code /sys/fs/cgroup} files under a root directory: {@code /} in
 * production, a fixture tree in tests. Read only: nothing here ever writes.
 *
 * <p>Thread-safe (immutable).
 */
public final class SystemFiles {

    /** {@code /proc} and {@code /sys} files are small; a bigger one is garbage, not something to load whole. */
    private static final int MAX_BYTES = 1 << 20;

    private final Path root;

    public SystemFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** @param absolute a path as the kernel names it ({@code /proc/meminfo}) */
    public Path resolve(String absolute) {
        String relative = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    public boolean exists(String absolute) {
        return Files.exists(resolve(absolute));
    }

    /** @return the file's text; its path as the kernel names it, plus the root when it is not {@code /}, in the message */
    public String read(String absolute) throws ProbeUnavailable {
        Path file = resolve(absolute);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ProbeUnavailable(where(absolute) + " is larger than " + MAX_BYTES + " bytes: not a kernel file");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            throw new ProbeUnavailable("cannot read " + where(absolute) + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** @return the file's content as one number of bytes; {@code max} (cgroup v2's "no limit") as {@link Long#MAX_VALUE} */
    public long readBytes(String absolute) throws ProbeUnavailable {
        String text = read(absolute).trim();
        if (text.equals("max")) {
            return Long.MAX_VALUE;
        }
        try {
            long value = Long.parseLong(text);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ProbeUnavailable(where(absolute) + " holds '" + abbreviate(text) + "', not a number of bytes");
        }
    }

    public String where(String absolute) {
        return root.getParent() == null ? absolute : absolute + " (under " + root + ")";
    }

    static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "...";
    }
}
