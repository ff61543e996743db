package io.safealloc.allocator.core;

import java.util.List;
import java.util.Optional;

import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.PressureLevel;
import io.safealloc.api.PressureReading;
import io.safealloc.allocator.core.pressure.Reading;

/**
 * The immutable {@link MemEvent} the allocator hands to its handlers.
 *
 * @param reading for {@link Cause#PRESSURE}: the measurement that crossed; {@code null} otherwise
 * @param previousPressureLevel for {@link Cause#PRESSURE}: the level before; NORMAL otherwise
 */
record Event(Cause cause, long size, long bytesInUse, long limit, Budget budget, long bundleBytesInUse,
        long bundleLimit, int attempt, long bundleId, String bundleName, List<BundleStats> topHolders,
        Reading reading, PressureLevel previousPressureLevel) implements MemEvent {

    Event(Cause cause, long size, long bytesInUse, long limit, Budget budget, long bundleBytesInUse,
            long bundleLimit, int attempt, long bundleId, String bundleName, List<BundleStats> topHolders) {
        this(cause, size, bytesInUse, limit, budget, bundleBytesInUse, bundleLimit, attempt, bundleId, bundleName,
                topHolders, null, PressureLevel.NORMAL);
    }

    @Override
    public Optional<PressureReading> pressure() {
        return Optional.ofNullable(reading);
    }

    /** @return one line for logs and exception messages */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (reading != null) {
            return b.append(reading.source()).append(' ').append(previousPressureLevel).append(" -> ")
                    .append(reading.describe().substring(reading.source().name().length() + 1))
                    .append("; allocator: ").append(bytesInUse)
                    .append(" bytes in use").append(limit == 0 ? ", no limit" : " of limit " + limit).append(", attempt ")
                    .append(attempt).toString();
        }
        b.append(cause);
        if (budget == Budget.BUNDLE) {
            b.append(" (quota of ").append(bundleName).append(": ").append(bundleBytesInUse).append(" of ")
                    .append(bundleLimit).append(" bytes in use)");
        } else if (budget == Budget.GLOBAL) {
            b.append(" (global limit: ").append(bytesInUse).append(" of ").append(limit).append(" bytes in use)");
        } else {
            b.append(" (").append(bytesInUse).append(" bytes in use");
            b.append(limit == 0 ? ", no limit)" : " of limit " + limit + ")");
        }
        b.append(", requested by ").append(bundleName).append(" [").append(bundleId).append("], attempt ")
                .append(attempt).append("; top holders: ");
        if (topHolders.isEmpty()) {
            b.append("none");
        }
        for (int i = 0; i < topHolders.size(); i++) {
            BundleStats h = topHolders.get(i);
            b.append(i == 0 ? "" : ", ").append(h.bundleName()).append(" [").append(h.bundleId()).append("] ")
                    .append(h.bytesInUse());
        }
        return b.toString();
    }
}
