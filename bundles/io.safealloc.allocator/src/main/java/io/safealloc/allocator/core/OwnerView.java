package io.safealloc.allocator.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemStats;

/**
 * The allocator as one owner sees it: what it allocates is accounted to that owner. Frees go to
 * whichever owner allocated the memory. {@link #close()} frees what the owner still holds and
 * reports it; the view then refuses further calls with {@link IllegalStateException}.
 *
 * <p>Thread-safe, like {@link SafeAllocator}.
 */
public final class OwnerView implements AllocatorService, AutoCloseable {

    private final SafeAllocator allocator;
    private final Account account;

    OwnerView(SafeAllocator allocator, Account account) {
        this.allocator = allocator;
        this.account = account;
    }

    /** @return the owner this view accounts to */
    public Owner owner() {
        return account.owner;
    }

    /** For white-box tests. */
    Account account() {
        return account;
    }

    private void checkOpen() {
        if (account.closed) {
            throw SafeAllocator.closedError(account);
        }
    }

    @Override
    public MemorySegment rAlloc(long size) {
        checkOpen();
        return allocator.allocate(account, size);
    }

    @Override
    public MemorySegment rAllocType(MemoryLayout layout) {
        Objects.requireNonNull(layout, "layout");
        checkOpen();
        return allocator.allocateType(account, layout);
    }

    @Override
    public MemorySegment rRealloc(MemorySegment segment, long newSize) {
        checkOpen();
        return allocator.reallocate(account, segment, newSize);
    }

    @Override
    public MemorySegment rMemdup(MemorySegment source) {
        Objects.requireNonNull(source, "source");
        checkOpen();
        return allocator.duplicate(account, source);
    }

    @Override
    public void rFree(MemorySegment segment) {
        allocator.free(segment); // allowed after close: memory may outlive the view that made it
    }

    @Override
    public MemorySegment adopt(MemorySegment nativeMemory, long size) {
        checkOpen();
        return allocator.adopt(account, nativeMemory, size);
    }

    @Override
    public MemStats stats() {
        return allocator.stats();
    }

    @Override
    public java.util.List<io.safealloc.api.Holding> holdings() {
        return allocator.holdings();
    }

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    /**
     * Closes the view: frees everything this owner still holds and reports it (logged at WARNING
     * when not empty). Idempotent: a second call reports nothing.
     */
    public Leaks release() {
        synchronized (account) {
            if (account.closed) {
                return new Leaks(account.owner, 0, 0, java.util.List.of());
            }
            return allocator.close(account);
        }
    }
}
