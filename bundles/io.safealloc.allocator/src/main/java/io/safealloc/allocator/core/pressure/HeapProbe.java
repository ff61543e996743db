package io.safealloc.allocator.core.pressure;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureSource;

/**
 * The Java heap, without polling: the JVM notifies when a heap pool's usage or collection usage
 * crosses its threshold ({@link MemoryPoolMXBean#setUsageThreshold},
 * {@link MemoryPoolMXBean#setCollectionUsageThreshold}, notifications from the
 * {@code MemoryMXBean}), and after every garbage collection (the collectors' notifications, which
 * is how a fall back below a level is seen: the JVM has no "below threshold" notification). The
 * thresholds follow the level: at NORMAL they are armed at the high percentage, from HIGH on at the
 * critical one. The thresholds are set on the pools that support them (the old generation: "G1
 * Old Gen", "Tenured Gen", ...); the figure is the fuller of that pool and the whole heap, measured
 * on those notifications only (see {@link #measure()}).
 *
 * <p>Notifications arrive on a JVM thread; {@code onNotification} must hand them on at once.
 * Thresholds are set on the monitor's thread. The thresholds are the JVM's, one per pool: a second
 * allocator in the same JVM measuring the heap would move them too (documented).
 */
public final class HeapProbe implements Probe {

    private final List<MemoryPoolMXBean> pools = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener;
    private final Thresholds thresholds;

    /** @param onNotification what to do on a threshold or collection notification: must not block */
    public HeapProbe(Thresholds thresholds, Runnable onNotification) throws ProbeUnavailable {
        this.thresholds = thresholds;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isUsageThresholdSupported() && pool.isValid()) {
                pools.add(pool);
            }
        }
        if (pools.isEmpty()) {
            throw new ProbeUnavailable("no heap memory pool of this JVM supports usage thresholds");
        }
        listener = (notification, handback) -> {
            String type = notification.getType();
            if (type.equals(MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED)
                    || type.equals(MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED)
                    || type.equals("com.sun.management.gc.notification")) {
                onNotification.run();
            }
        };
        if (ManagementFactory.getMemoryMXBean() instanceof NotificationEmitter memory) {
            memory.addNotificationListener(listener, null, null);
            emitters.add(memory);
        } else {
            throw new ProbeUnavailable("this JVM's MemoryMXBean sends no notifications");
        }
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
        arm(PressureLevel.NORMAL);
    }

    @Override
    public PressureSource source() {
        return PressureSource.HEAP;
    }

    /**
     * The fuller of two figures: the whole heap against its maximum, and the fullest old-generation
     * pool against its own. The heap is measured only when the JVM notifies (a threshold crossed,
     * a collection ended), that is right after a collection, when what is used is what is live: a
     * collector that keeps most objects young (G1 with a small heap) fills the whole heap long
     * before its old generation reaches a threshold.
     */
    @Override
    public Measurement measure() {
        MemoryPoolMXBean fullest = null;
        MemoryUsage worst = null;
        double worstPercent = -1;
        for (MemoryPoolMXBean pool : pools) {
            MemoryUsage u = pool.getUsage();
            long max = max(u);
            double percent = max > 0 ? 100.0 * u.getUsed() / max : 0;
            if (percent > worstPercent) {
                worstPercent = percent;
                fullest = pool;
                worst = u;
            }
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long heapMax = max(heap);
        Measurement whole = Measurement.of(heap.getUsed(), heapMax, PressureLevel.NORMAL,
                "heap: used " + heap.getUsed() + " of max " + heapMax + "; pool '" + fullest.getName() + "' "
                        + worst.getUsed() + " of " + max(worst));
        if (whole.percent() >= worstPercent) {
            return whole;
        }
        return Measurement.of(worst.getUsed(), max(worst), PressureLevel.NORMAL,
                "heap pool '" + fullest.getName() + "': used " + worst.getUsed() + " of max " + max(worst)
                        + "; heap " + heap.getUsed() + " of " + heapMax);
    }

    /** A pool without a maximum of its own can grow to the heap's. */
    private static long max(MemoryUsage usage) {
        return usage.getMax() > 0 ? usage.getMax() : Runtime.getRuntime().maxMemory();
    }

    /** Arms the thresholds for the next rising crossing from {@code level}. */
    public void arm(PressureLevel level) {
        int percent = level == PressureLevel.NORMAL ? thresholds.highPercent() : thresholds.criticalPercent();
        for (MemoryPoolMXBean pool : pools) {
            long bytes = (long) (max(pool.getUsage()) * (percent / 100.0));
            try {
                pool.setUsageThreshold(bytes);
                if (pool.isCollectionUsageThresholdSupported()) {
                    pool.setCollectionUsageThreshold(bytes);
                }
            } catch (IllegalArgumentException | UnsupportedOperationException | SecurityException e) {
                // A pool that refuses is still measured after every collection.
            }
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
        emitters.clear();
        for (MemoryPoolMXBean pool : pools) {
            try {
                pool.setUsageThreshold(0); // 0 disables the JVM's checking
                if (pool.isCollectionUsageThresholdSupported()) {
                    pool.setCollectionUsageThreshold(0);
                }
            } catch (RuntimeException e) {
                // nothing to undo
            }
        }
    }
}
