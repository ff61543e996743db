package io.safealloc.allocator.core;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * libc, except that {@code malloc}, {@code calloc}, {@code aligned_alloc} and {@code realloc} return
 * NULL on a seeded random share of calls, as a real allocator does when memory runs out. It also
 * keeps every block it handed out and not yet freed, so that a test can prove that nothing leaked
 * at the libc level, whatever the allocator's own figures say.
 *
 * <p>Thread-safe. With one thread the sequence of failures is reproducible from the seed; with
 * several, which call fails depends on scheduling, but the counts stay exact.
 */
final class FaultInjectingBackend implements NativeBackend {

    private final SplittableRandom random;
    private final int failuresPerTenThousand;
    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong frees = new AtomicLong();
    /** Address to size of every block handed out by this backend and not freed yet. */
    private final Map<Long, Long> outstanding = new ConcurrentHashMap<>();

    /**
     * @param seed the seed of the failure sequence
     * @param failuresPerTenThousand how many calls in 10 000 return NULL (100 = 1 %)
     */
    FaultInjectingBackend(long seed, int failuresPerTenThousand) {
        this.random = new SplittableRandom(seed);
        this.failuresPerTenThousand = failuresPerTenThousand;
    }

    /** A backend that never fails: for counting calls and outstanding blocks only. */
    static FaultInjectingBackend reliable() {
        return new FaultInjectingBackend(0, 0);
    }

    private boolean injectFailure() {
        calls.incrementAndGet();
        boolean fail;
        synchronized (random) {
            fail = random.nextInt(10_000) < failuresPerTenThousand;
        }
        if (fail) {
            injected.incrementAndGet();
        }
        return fail;
    }

    private long track(long address, long size) {
        if (address != 0 && outstanding.put(address, size) != null) {
            throw new AssertionError(String.format("libc handed out 0x%x twice", address));
        }
        return address;
    }

    @Override
    public long malloc(long size) {
        return injectFailure() ? 0 : track(LibcBackend.INSTANCE.malloc(size), size);
    }

    @Override
    public long calloc(long size) {
        return injectFailure() ? 0 : track(LibcBackend.INSTANCE.calloc(size), size);
    }

    @Override
    public long aligned(long alignment, long size) {
        return injectFailure() ? 0 : track(LibcBackend.INSTANCE.aligned(alignment, size), size);
    }

    @Override
    public long realloc(long address, long size) {
        if (!outstanding.containsKey(address)) {
            throw new AssertionError(String.format("realloc of 0x%x, which this backend does not hold", address));
        }
        if (injectFailure()) {
            return 0;
        }
        // Remove first: once libc has moved the block, another thread's malloc may get the old address.
        long oldSize = outstanding.remove(address);
        long moved = LibcBackend.INSTANCE.realloc(address, size);
        if (moved == 0) {
            outstanding.put(address, oldSize);
            return 0;
        }
        return track(moved, size);
    }

    @Override
    public void free(long address, long size) {
        if (outstanding.remove(address) == null) {
            // Reaching libc free with an address it does not hold would be a crash: stop here instead.
            throw new AssertionError(String.format("free of 0x%x, which this backend does not hold", address));
        }
        frees.incrementAndGet();
        LibcBackend.INSTANCE.free(address, size);
    }

    /** @return NULLs returned on purpose so far */
    long injected() {
        return injected.get();
    }

    /** @return allocating calls so far (malloc, calloc, aligned_alloc, realloc), failed or not */
    long calls() {
        return calls.get();
    }

    /** @return calls of libc free so far */
    long frees() {
        return frees.get();
    }

    /** @return blocks handed out and not freed */
    int outstandingBlocks() {
        return outstanding.size();
    }

    /** @return bytes handed out and not freed, as requested from libc */
    long outstandingBytes() {
        return outstanding.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Adopts a block malloc'd outside the allocator into this backend's books, for adopt() tests. */
    long mallocForAdoption(long size) {
        return track(LibcBackend.INSTANCE.malloc(Math.max(size, 1)), Math.max(size, 1));
    }
}
