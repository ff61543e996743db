package io.safealloc.allocator.core.pressure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A fake root with {@code /proc} and {@code /sys/fs/cgroup} files, as the kernel lays them out.
 * Files are replaced atomically, so a monitor polling meanwhile never reads half a file.
 */
public final class FixtureTree {

    public final Path root;

    public FixtureTree(Path root) {
        this.root = root;
    }

    public FixtureTree write(String absolute, String content) {
        try {
            Path file = root.resolve(absolute.substring(1));
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, content);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory where a file should be: reading it fails as an unreadable file does (also for root). */
    public FixtureTree unreadable(String absolute) {
        try {
            Files.createDirectories(root.resolve(absolute.substring(1)));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** cgroup v2 only (a pure v2 machine): the process in {@code /app}. */
    public FixtureTree cgroupV2(String max, long current) {
        write("/proc/self/cgroup", "0::/app\n");
        write("/proc/self/mountinfo", "30 22 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
        write("/sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
        write("/sys/fs/cgroup/app/memory.max", max + "\n");
        write("/sys/fs/cgroup/app/memory.current", current + "\n");
        write("/sys/fs/cgroup/app/memory.high", "max\n");
        write("/sys/fs/cgroup/app/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        return this;
    }

    public FixtureTree v2Current(long current) {
        return write("/sys/fs/cgroup/app/memory.current", current + "\n");
    }

    public FixtureTree v2Max(String max) {
        return write("/sys/fs/cgroup/app/memory.max", max + "\n");
    }

    /** cgroup v1 memory controller beside a v2 hierarchy without it (systemd's hybrid mode, as on this machine). */
    public FixtureTree cgroupV1Hybrid(long limit, long usage) {
        write("/proc/self/cgroup", "9:name=systemd:/\n4:memory:/docker/abc\n1:cpu:/\n0::/\n");
        write("/proc/self/mountinfo", """
                30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
                34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
                40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
                """);
        write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        write("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", limit + "\n");
        write("/sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes", usage + "\n");
        write("/sys/fs/cgroup/unified/cgroup.procs", "1\n");
        return this;
    }

    public FixtureTree meminfo(long totalKb, long availableKb) {
        return write("/proc/meminfo", "MemTotal:       " + totalKb + " kB\nMemFree:        1 kB\nMemAvailable:   "
                + availableKb + " kB\nBuffers:        0 kB\n");
    }

    public FixtureTree psi(double some, double full) {
        return write("/proc/pressure/memory", "some avg10=" + some + " avg60=0.00 avg300=0.00 total=0\nfull avg10="
                + full + " avg60=0.00 avg300=0.00 total=0\n");
    }

    public SystemFiles files() {
        return new SystemFiles(root);
    }
}
