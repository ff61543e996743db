package io.safealloc.allocator.core.pressure;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

import io.safealloc.api.PressureSource;

/**
 * Direct buffers: the {@code direct} {@link BufferPoolMXBean}'s memory used against the JVM's
 * maximum direct memory ({@link JvmMemory#maxDirect()}). The JVM has no notification for buffer
 * pools, so this source is polled.
 */
public final class DirectProbe implements Probe {

    private final BufferPoolMXBean pool;
    private final long max;

    public DirectProbe() throws ProbeUnavailable {
        this(JvmMemory.maxDirect());
    }

    DirectProbe(long max) throws ProbeUnavailable {
        this.pool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst()
                .orElseThrow(() -> new ProbeUnavailable("this JVM has no 'direct' buffer pool MXBean"));
        this.max = max;
    }

    @Override
    public PressureSource source() {
        return PressureSource.DIRECT;
    }

    @Override
    public Measurement measure() {
        long used = pool.getMemoryUsed();
        return Measurement.of(used, max, io.safealloc.api.PressureLevel.NORMAL,
                "direct buffers: " + pool.getCount() + " buffers, " + used + " bytes of max direct memory " + max);
    }
}
