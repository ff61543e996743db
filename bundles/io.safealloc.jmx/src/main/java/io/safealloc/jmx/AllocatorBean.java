package io.safealloc.jmx;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;

import io.safealloc.api.AllocatorMXBean;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemStats;
import io.safealloc.api.ObservationConstants;
import io.safealloc.shell.limit.LimitSetting;
import io.safealloc.shell.report.HandlerDirectory;
import io.safealloc.shell.report.HandlerInfo;
import io.safealloc.shell.report.HandlersReport;
import io.safealloc.shell.report.PressureReport;

/**
 * The {@link AllocatorMXBean}: each attribute read asks the allocator afresh; notifications are sent
 * by {@link #send}. A {@link NotificationBroadcasterSupport} without an executor: listeners are called
 * on the sending thread (Event Admin's delivery thread), and a remote connector queues them per client.
 *
 * <p>Pressure levels are read like the figures: the allocator's latest readings, no measurement of
 * their own.
 *
 * <p>Thread-safe: the allocator's figures are snapshots, the sequence number is atomic.
 */
final class AllocatorBean extends NotificationBroadcasterSupport implements AllocatorMXBean {

    private final AllocatorService allocator;
    private final HandlerDirectory handlers;
    private final Supplier<LimitSetting> limitSetting;
    private final Supplier<String> configuredSafety;
    private final ObjectName name;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param limitSetting the way to change the limit, {@code null} inside when Config Admin is missing
     * @param configuredSafety the stored safety setting
     */
    AllocatorBean(AllocatorService allocator, HandlerDirectory handlers, Supplier<LimitSetting> limitSetting,
            Supplier<String> configuredSafety, ObjectName name) {
        super(notificationInfo());
        this.allocator = allocator;
        this.handlers = handlers;
        this.limitSetting = limitSetting;
        this.configuredSafety = configuredSafety;
        this.name = name;
    }

    private static MBeanNotificationInfo[] notificationInfo() {
        List<String> types = new ArrayList<>();
        for (Cause cause : Cause.values()) {
            types.add(ObservationConstants.notificationType(cause));
        }
        types.add(ObservationConstants.NOTIFICATION_LEAK);
        types.add(ObservationConstants.NOTIFICATION_ABORT);
        types.add(ObservationConstants.NOTIFICATION_DEGRADED);
        types.add(ObservationConstants.NOTIFICATION_DEGRADED_LEFT);
        return new MBeanNotificationInfo[] {new MBeanNotificationInfo(types.toArray(String[]::new),
                Notification.class.getName(), "SafeAlloc decisions, leaks, aborts and the crash-loop guard's degraded mode")};
    }

    /** Sends one notification from this bean, numbered in order. */
    void send(EventNotification event) {
        Notification notification = new Notification(event.type(), name, sequence.incrementAndGet(), event.timeMillis(),
                event.message());
        notification.setUserData(event.userData());
        sendNotification(notification);
    }

    @Override
    public long getBytesInUse() {
        return allocator.stats().bytesInUse();
    }

    @Override
    public long getPeak() {
        return allocator.stats().peak();
    }

    @Override
    public long getLimit() {
        return allocator.stats().limit();
    }

    @Override
    public void setLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("limit must be >= 0 bytes, was " + bytes);
        }
        LimitSetting setting = limitSetting.get();
        if (setting == null) {
            throw new IllegalStateException("Config Admin is not available, the limit cannot be changed");
        }
        try {
            setting.set(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("Config Admin could not store the limit: " + e.getMessage());
        }
    }

    @Override
    public long getWarnThreshold() {
        return allocator.stats().warnThreshold();
    }

    @Override
    public long getMaxAllocation() {
        return allocator.stats().maxAllocation();
    }

    @Override
    public long getLiveAllocations() {
        return allocator.stats().liveAllocations();
    }

    @Override
    public long getAllocations() {
        return allocator.stats().allocations();
    }

    @Override
    public long getFrees() {
        return allocator.stats().frees();
    }

    @Override
    public Map<String, Long> getFailures() {
        return FailureCounts.byName(allocator.stats().failures());
    }

    @Override
    public String getConfiguredSafety() {
        return configuredSafety.get();
    }

    @Override
    public List<String> getHandlers() {
        List<String> lines = new ArrayList<>();
        for (HandlerInfo handler : handlers.inDecisionOrder()) {
            lines.add(handler.ranking() + " " + handler.shortName() + " (service.id " + handler.serviceId() + ", bundle "
                    + handler.bundle() + ", " + handler.className() + ")"
                    + (handler.description() == null ? "" : ": " + handler.description()));
        }
        lines.add(HandlersReport.DEFAULT_LINE);
        return lines;
    }

    @Override
    public List<String> getPressure() {
        return allocator.stats().pressure().stream().map(PressureReport::line).toList();
    }

    @Override
    public List<String> getBundleNames() {
        MemStats stats = allocator.stats();
        return stats.bundles().stream().map(b -> b.bundleName()).distinct().toList();
    }
}
