package io.safealloc.allocator.core.pressure;

import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureSource;

/**
 * The container's memory: the cgroup's usage against its limit, the limit being the smallest set
 * on the cgroup or an ancestor up to the hierarchy's mount. Reclaimable page cache
 * ({@code inactive_file} of {@code memory.stat}) is not counted as used, as container runtimes do
 * for their "working set": the kernel drops it before it kills anyone. cgroup v2's
 * {@code memory.high}, when set and reached, makes the level at least HIGH (the kernel throttles
 * there); its {@code memory.events} counters go into the detail.
 *
 * <p>Not thread-safe: the monitor's thread only.
 */
public final class ContainerProbe implements Probe {

    private final SystemFiles files;
    private final Cgroup cgroup;

    public ContainerProbe(SystemFiles files) throws ProbeUnavailable {
        this.files = files;
        this.cgroup = Cgroup.locate(files);
        measure(); // unreadable or garbled files switch the source off at once
    }

    public Cgroup cgroup() {
        return cgroup;
    }

    @Override
    public PressureSource source() {
        return PressureSource.CONTAINER;
    }

    /** @return the smallest limit from the cgroup up to its mount, {@link Long#MAX_VALUE} for none */
    public long limit() throws ProbeUnavailable {
        String file = cgroup.version() == 1 ? "memory.limit_in_bytes" : "memory.max";
        long limit = Long.MAX_VALUE;
        for (String dir = cgroup.directory(); dir != null; dir = parent(dir)) {
            if (files.exists(dir + "/" + file)) {
                long here = files.readBytes(dir + "/" + file);
                limit = Math.min(limit, here >= Cgroup.NO_LIMIT ? Long.MAX_VALUE : here);
            }
        }
        return limit;
    }

    private String parent(String dir) {
        if (dir.equals(cgroup.mountPoint()) || !dir.startsWith(cgroup.mountPoint())) {
            return null;
        }
        int slash = dir.lastIndexOf('/');
        return slash <= 0 ? null : dir.substring(0, slash);
    }

    @Override
    public Measurement measure() throws ProbeUnavailable {
        String dir = cgroup.directory();
        boolean v1 = cgroup.version() == 1;
        String usageFile = dir + (v1 ? "/memory.usage_in_bytes" : "/memory.current");
        long usage = files.readBytes(usageFile);
        long limit = limit();
        long inactiveFile = inactiveFile(dir + "/memory.stat", v1 ? "total_inactive_file" : "inactive_file");
        long used = Math.max(0, usage - inactiveFile);
        StringBuilder detail = new StringBuilder("cgroup v").append(cgroup.version()).append(' ').append(dir)
                .append(": usage ").append(usage).append(" - inactive_file ").append(inactiveFile).append(" of limit ")
                .append(limit == Long.MAX_VALUE ? "none (max)" : String.valueOf(limit));
        PressureLevel floor = PressureLevel.NORMAL;
        if (!v1) {
            long high = files.exists(dir + "/memory.high") ? files.readBytes(dir + "/memory.high") : Long.MAX_VALUE;
            if (high != Long.MAX_VALUE) {
                detail.append(", memory.high ").append(high);
                if (usage >= high) {
                    floor = PressureLevel.HIGH;
                }
            }
            if (files.exists(dir + "/memory.events")) {
                detail.append(", events ").append(events(dir + "/memory.events"));
            }
        }
        return Measurement.of(used, limit == Long.MAX_VALUE ? 0 : limit, floor, detail.toString());
    }

    /** Absent or unreadable {@code memory.stat}: nothing subtracted (the figure errs on the side of pressure). */
    private long inactiveFile(String statFile, String key) {
        if (!files.exists(statFile)) {
            return 0;
        }
        try {
            for (String line : files.read(statFile).split("\n")) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (ProbeUnavailable | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private String events(String file) throws ProbeUnavailable {
        StringBuilder b = new StringBuilder();
        for (String line : files.read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && (kv[0].equals("high") || kv[0].equals("max") || kv[0].equals("oom_kill"))) {
                b.append(b.isEmpty() ? "" : " ").append(kv[0]).append('=').append(kv[1]);
            }
        }
        return b.isEmpty() ? "none" : b.toString();
    }
}
