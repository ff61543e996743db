package io.safealloc.allocator.core;

/**
 * Packs what the allocator remembers about a live allocation into one non-negative {@code long}:
 * the requested size (43 bits: up to 8 TiB - 1) and the owner's account index (20 bits).
 */
final class Entry {

    static final int OWNER_BITS = 20;
    static final int MAX_OWNERS = 1 << OWNER_BITS;
    /** The largest size that can be tracked; larger requests are {@code TOO_BIG}. */
    static final long MAX_SIZE = (1L << (63 - OWNER_BITS)) - 1;

    private Entry() {
    }

    static long of(long size, int ownerIndex) {
        return size << OWNER_BITS | ownerIndex;
    }

    static long size(long entry) {
        return entry >>> OWNER_BITS;
    }

    static int owner(long entry) {
        return (int) (entry & (MAX_OWNERS - 1));
    }
}
