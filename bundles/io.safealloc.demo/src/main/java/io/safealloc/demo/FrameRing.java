package io.safealloc.demo;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.List;

import io.safealloc.api.AllocatorService;

/**
 * The most recent frames, each a native copy ({@code rMemdup}); when more than {@code capacity}
 * are kept, the oldest is freed ({@code rFree}).
 *
 * <p>Not thread-safe: one feed thread owns it (and {@link SensorFeed} serialises access).
 */
public final class FrameRing {

    private final AllocatorService allocator;
    private final int capacity;
    private final ArrayDeque<MemorySegment> frames;

    /**
     * @param allocator where the copies are allocated
     * @param capacity how many frames are kept
     */
    public FrameRing(AllocatorService allocator, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.allocator = allocator;
        this.capacity = capacity;
        this.frames = new ArrayDeque<>(Math.min(capacity + 1, 1024));
    }

    /**
     * Copies {@code frame} into native memory and keeps the copy, freeing the oldest beyond capacity.
     * The copy is made before anything is freed, as a real feed would (the old frames may still be
     * read while the new one arrives).
     *
     * @throws io.safealloc.api.MemoryAllocationException if the copy could not be allocated; the
     *     ring is unchanged
     */
    public void keep(MemorySegment frame) {
        frames.addLast(allocator.rMemdup(frame));
        while (frames.size() > capacity) {
            allocator.rFree(frames.removeFirst());
        }
    }

    /** @return the frames kept, oldest first (valid until the next {@link #keep} or {@link #clear}) */
    public List<MemorySegment> frames() {
        return List.copyOf(frames);
    }

    /** @return how many frames are kept */
    public int size() {
        return frames.size();
    }

    /** Frees every frame kept. */
    public void clear() {
        while (!frames.isEmpty()) {
            allocator.rFree(frames.removeFirst());
        }
    }
}
