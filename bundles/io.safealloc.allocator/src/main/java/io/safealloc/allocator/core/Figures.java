package io.safealloc.allocator.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntToLongFunction;

import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;

/** An immutable snapshot of one owner's account. */
record Figures(long bundleId, String bundleName, long bytesInUse, long peak, long limit, long liveAllocations,
        long allocations, long frees, Map<Cause, Long> failures) implements BundleStats {

    static Figures of(Account a, Account.Tally tally) {
        return new Figures(a.owner.id(), a.owner.name(), tally.bytes(), a.budget.peak(), a.limit,
                Math.max(0, tally.allocations() - tally.frees()), tally.allocations(), tally.frees(),
                failures(a.failures::get));
    }

    static Map<Cause, Long> failures(IntToLongFunction byOrdinal) {
        var map = new EnumMap<Cause, Long>(Cause.class);
        for (Cause c : Cause.values()) {
            map.put(c, byOrdinal.applyAsLong(c.ordinal()));
        }
        return Collections.unmodifiableMap(map);
    }
}
