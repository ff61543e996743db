package io.safealloc.allocator.core;

import java.util.List;

import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;

/** The immutable {@link MemEvent} the allocator hands to its handlers. */
record Event(Cause cause, long size, long bytesInUse, long limit, Budget budget, long bundleBytesInUse,
        long bundleLimit, int attempt, long bundleId, String bundleName, List<BundleStats> topHolders)
        implements MemEvent {

    /** @return one line for logs and exception messages */
    String describe() {
        StringBuilder b = new StringBuilder();
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
