package io.safealloc.shell;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Unhandled;

/**
 * The segments an operator allocated by hand with {@code mem:alloc}, kept under small integer ids
 * (1, 2, 3, ...; never reused while the shell runs) until {@code mem:free} releases them.
 *
 * <p>Thread-safe: several shell sessions may allocate and free concurrently; an id is freed at most
 * once.
 */
public final class ManualAllocations {

    private final AllocatorService allocator;
    private final AtomicInteger lastId = new AtomicInteger();
    private final Map<Integer, MemorySegment> held = new ConcurrentSkipListMap<>();

    /** @param allocator the view to allocate with (the shell bundle's own) */
    public ManualAllocations(AllocatorService allocator) {
        this.allocator = allocator;
    }

    /** An allocation made by hand. */
    public record Allocation(int id, MemorySegment segment) {
    }

    /**
     * Allocates and keeps the segment. A diagnostic must never end the gateway: a typo such as
     * {@code mem:alloc 99g} fails with a message instead of reaching the handlers (whose default is
     * ABORT, and whose crash-loop guard would count it).
     *
     * @throws MemoryAllocationException (decision FAIL) when the allocation cannot be satisfied
     */
    public Allocation allocate(long size) {
        return keep(Unhandled.call(() -> allocator.rAlloc(size)));
    }

    /**
     * Allocates as a bundle would, through the handlers (which may retry, fail or ABORT the
     * process): a fire drill of the recovery policy, asked for explicitly ({@code mem:alloc --drill}).
     *
     * @throws MemoryAllocationException when the handlers decided the allocation fails
     */
    public Allocation allocateThroughHandlers(long size) {
        return keep(allocator.rAlloc(size));
    }

    private Allocation keep(MemorySegment segment) {
        int id = lastId.incrementAndGet();
        held.put(id, segment);
        return new Allocation(id, segment);
    }

    /** @return the freed allocation, or empty when no allocation has this id */
    public Optional<Allocation> free(int id) {
        MemorySegment segment = held.remove(id);
        if (segment == null) {
            return Optional.empty();
        }
        allocator.rFree(segment);
        return Optional.of(new Allocation(id, segment));
    }

    /** @return the ids held, ascending */
    public List<Integer> ids() {
        return List.copyOf(held.keySet()); // a sorted map: ascending
    }

    /** Frees everything still held (when the shell stops); returns how many. */
    public int freeAll() {
        int count = 0;
        for (Integer id : held.keySet()) {
            if (free(id).isPresent()) {
                count++;
            }
        }
        return count;
    }
}
