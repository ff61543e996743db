package io.safealloc.allocator.core;

import io.safealloc.api.Holding;

/** One owner's live allocations, summed by a scan, and its open arenas. */
record HoldingFigures(long bundleId, String bundleName, long count, long bytes, long largest, long openArenas,
        long arenaBytes) implements Holding {
}
