package io.safealloc.allocator.core;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Holding;
import io.safealloc.api.MemStats;

/**
 * The allocator as one owner sees it, and the core's only {@link AllocatorService}: what it
 * allocates is accounted to that owner. Frees go to whichever owner allocated the memory.
 * {@link #close()} frees what the owner still holds and reports it; the view then refuses further
 * calls with {@link IllegalStateException}. Opened with {@link SafeAllocator#open(Owner)} (the OSGi
 * layer opens one per bundle), or {@link SafeAllocator#unowned()} outside any framework.
 *
 * <p>Thread-safe: every method may be called from any thread; allocation and free take no lock.
 */
public final class OwnerView implements AllocatorService, AutoCloseable {

    private final AllocationEngine engine;
    private final Census census;
    private final Account account;

    OwnerView(AllocationEngine engine, Census census, Account account) {
        this.engine = engine;
        this.census = census;
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
            throw OwnerClosedException.of(account);
        }
    }

    @Override
    public MemorySegment rAlloc(long size) {
        checkOpen();
        return engine.allocate(account, size);
    }

    @Override
    public MemorySegment rAllocType(MemoryLayout layout) {
        Objects.requireNonNull(layout, "layout");
        checkOpen();
        return engine.allocateType(account, layout);
    }

    @Override
    public MemorySegment rRealloc(MemorySegment segment, long newSize) {
        checkOpen();
        return engine.reallocate(account, segment, newSize);
    }

    /**
     * {@code SegmentAllocator}'s allocation: an alignment malloc gives anyway takes exactly
     * {@link #rAlloc}'s path (same cost, not zeroed); a larger one an over-aligned, zeroed block.
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteSize < 0 || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0) {
            Arenas.checkRequest(byteSize, byteAlignment); // throws, saying which
        }
        checkOpen();
        return byteAlignment <= Arenas.MALLOC_ALIGNMENT
                ? engine.allocate(account, byteSize)
                : engine.allocateAligned(account, byteSize, byteAlignment);
    }

    @Override
    public Arena confinedArena() {
        checkOpen();
        return engine.arenas().confined(account);
    }

    @Override
    public Arena sharedArena() {
        checkOpen();
        return engine.arenas().shared(account);
    }

    @Override
    public MemorySegment rMemdup(MemorySegment source) {
        Objects.requireNonNull(source, "source");
        checkOpen();
        return engine.duplicate(account, source);
    }

    @Override
    public void rFree(MemorySegment segment) {
        engine.free(segment); // allowed after close: memory may outlive the view that made it
    }

    @Override
    public MemorySegment adopt(MemorySegment nativeMemory, long size) {
        checkOpen();
        return engine.adopt(account, nativeMemory, size);
    }

    @Override
    public MemStats stats() {
        return census.stats();
    }

    @Override
    public List<Holding> holdings() {
        return census.holdings();
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
                return new Leaks(account.owner, 0, 0, List.of());
            }
            return engine.close(account);
        }
    }
}
