package io.safealloc.allocator.core;

/**
 * Test helper: the live allocations of an allocator with their sizes and owners, read from its
 * live table (what leak and misuse tests check the allocator's own bookkeeping against).
 */
final class LiveAllocations {

    /** Receives one live allocation. */
    @FunctionalInterface
    interface Visitor {
        void visit(long address, long size, Owner owner);
    }

    private LiveAllocations() {
    }

    /** Visits every live allocation whose owner's account is still known: address, size and owner. */
    static void forEach(SafeAllocator allocator, Visitor visitor) {
        allocator.live().forEach((address, entry) -> {
            Account a = allocator.account(Entry.owner(entry));
            if (a != null) {
                visitor.visit(address, Entry.size(entry), a.owner);
            }
        });
    }
}
