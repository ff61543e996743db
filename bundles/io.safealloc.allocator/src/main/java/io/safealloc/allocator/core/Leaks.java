package io.safealloc.allocator.core;

import java.util.List;

/**
 * What an owner still held when it was closed, all of it freed by the close.
 *
 * @param owner the owner that was closed
 * @param count allocations that were still live
 * @param bytes their accounted size
 * @param sampleSizes the sizes of up to {@value #SAMPLE} of them
 */
public record Leaks(Owner owner, long count, long bytes, List<Long> sampleSizes) {

    static final int SAMPLE = 10;
}
