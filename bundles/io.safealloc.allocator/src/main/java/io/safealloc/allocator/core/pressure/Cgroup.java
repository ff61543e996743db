package io.safealloc.allocator.core.pressure;

import java.util.ArrayList;
import java.util.List;

/**
 * The memory cgroup this process belongs to, found from {@code /proc/self/cgroup} and
 * {@code /proc/self/mountinfo}: cgroup v1 (a {@code memory} controller line, files
 * {@code memory.limit_in_bytes} and {@code memory.usage_in_bytes}) or cgroup v2 (the {@code 0::}
 * line, files {@code memory.max}, {@code memory.current}, {@code memory.high}, {@code memory.events}).
 * A machine may have both (v1 controllers with a v2 hierarchy beside them, as systemd's "hybrid"
 * mode): the hierarchy that holds the memory controller wins, v1 first.
 *
 * @param version 1 or 2
 * @param directory the cgroup's directory as the kernel names it ({@code /sys/fs/cgroup/memory/...})
 * @param mountPoint the hierarchy's mount point: the limit is the smallest from {@code directory} up to it
 */
public record Cgroup(int version, String directory, String mountPoint) {

    /** cgroup v1 writes "no limit" as the largest page-aligned long; anything this big is no limit. */
    static final long NO_LIMIT = 1L << 62;

    /**
     * @return this process's memory cgroup
     * @throws ProbeUnavailable saying why there is none (no {@code /proc/self/cgroup}, no memory
     *     controller, its directory missing)
     */
    public static Cgroup locate(SystemFiles files) throws ProbeUnavailable {
        String membership = files.read("/proc/self/cgroup");
        String v1Path = null;
        String v2Path = null;
        for (String line : membership.split("\n")) {
            String[] fields = line.trim().split(":", 3);
            if (fields.length < 3) {
                continue;
            }
            if (fields[0].equals("0") && fields[1].isEmpty()) {
                v2Path = fields[2];
            } else if (List.of(fields[1].split(",")).contains("memory")) {
                v1Path = fields[2];
            }
        }
        if (v1Path == null && v2Path == null) {
            throw new ProbeUnavailable(files.where("/proc/self/cgroup") + " names no memory cgroup (neither a "
                    + "'memory' controller line nor a '0::' line): not in a container with a memory cgroup");
        }
        List<Mount> mounts = mounts(files);
        List<String> tried = new ArrayList<>();
        if (v1Path != null) {
            Mount m = find(mounts, "cgroup", "/sys/fs/cgroup/memory");
            String dir = directory(files, m, v1Path, "memory.limit_in_bytes");
            if (dir != null) {
                return new Cgroup(1, dir, m.point);
            }
            tried.add("v1 " + v1Path + " under " + m.point + " (no memory.limit_in_bytes)");
        }
        if (v2Path != null) {
            Mount m = find(mounts, "cgroup2", files.exists("/sys/fs/cgroup/cgroup.controllers") ? "/sys/fs/cgroup"
                    : "/sys/fs/cgroup/unified");
            String dir = directory(files, m, v2Path, "memory.current");
            if (dir != null) {
                return new Cgroup(2, dir, m.point);
            }
            tried.add("v2 " + v2Path + " under " + m.point + " (no memory.current: memory controller not enabled)");
        }
        throw new ProbeUnavailable("no readable memory cgroup: tried " + String.join(", ", tried));
    }

    /** @return the cgroup's directory, or {@code null} when it holds no {@code probeFile} */
    private static String directory(SystemFiles files, Mount mount, String path, String probeFile) {
        String relative = path;
        if (!mount.root.equals("/") && (relative.equals(mount.root) || relative.startsWith(mount.root + "/"))) {
            relative = relative.substring(mount.root.length());
        }
        String dir = join(mount.point, relative);
        if (files.exists(dir + "/" + probeFile)) {
            return dir;
        }
        // A container with its own cgroup namespace but the host's path in /proc/self/cgroup: its cgroup is the mount itself.
        return files.exists(mount.point + "/" + probeFile) ? mount.point : null;
    }

    private static String join(String base, String relative) {
        if (relative.isEmpty() || relative.equals("/")) {
            return base;
        }
        return base + (relative.startsWith("/") ? relative : "/" + relative);
    }

    private record Mount(String type, String root, String point, String options) {
    }

    /** The cgroup mounts from {@code /proc/self/mountinfo}; none when it cannot be read (the usual mount points are tried). */
    private static List<Mount> mounts(SystemFiles files) {
        List<Mount> mounts = new ArrayList<>();
        String text;
        try {
            text = files.read("/proc/self/mountinfo");
        } catch (ProbeUnavailable e) {
            return mounts;
        }
        for (String line : text.split("\n")) {
            // id parent major:minor root mount-point options [optional fields] - type source super-options
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 1) {
                continue;
            }
            String type = after[0];
            if (type.equals("cgroup") || type.equals("cgroup2")) {
                mounts.add(new Mount(type, before[3], before[4], after.length > 2 ? after[2] : ""));
            }
        }
        return mounts;
    }

    private static Mount find(List<Mount> mounts, String type, String usualPoint) {
        for (Mount m : mounts) {
            if (m.type.equals(type) && (type.equals("cgroup2") || List.of(m.options.split(",")).contains("memory"))) {
                return m;
            }
        }
        return new Mount(type, "/", usualPoint, "");
    }
}
