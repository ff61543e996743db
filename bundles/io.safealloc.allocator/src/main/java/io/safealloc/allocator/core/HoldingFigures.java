package io.safealloc.allocator.core;

import io.safealloc.api.Holding;

/** One owner's live allocations, summed by a scan. */
record HoldingFigures(long bundleId, String bundleName, long count, long bytes, long largest) implements Holding {
}
