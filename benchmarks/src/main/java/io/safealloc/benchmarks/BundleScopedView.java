package io.safealloc.benchmarks;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.List;

import io.safealloc.allocator.core.OwnerView;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.Holding;
import io.safealloc.api.MemStats;

/**
 * What a bundle calls in OSGi, without the framework: the same thin delegation to an
 * {@link OwnerView} as {@code io.safealloc.allocator.osgi.BundleScopedAllocator} (which needs DS to
 * be activated). Benchmarks call it through the {@link AllocatorService} interface.
 */
final class BundleScopedView implements AllocatorService {

    private final OwnerView view;

    BundleScopedView(OwnerView view) {
        this.view = view;
    }

    @Override
    public MemorySegment rAlloc(long size) {
        return view.rAlloc(size);
    }

    @Override
    public MemorySegment rAllocType(MemoryLayout layout) {
        return view.rAllocType(layout);
    }

    @Override
    public MemorySegment rRealloc(MemorySegment segment, long newSize) {
        return view.rRealloc(segment, newSize);
    }

    @Override
    public MemorySegment rMemdup(MemorySegment source) {
        return view.rMemdup(source);
    }

    @Override
    public void rFree(MemorySegment segment) {
        view.rFree(segment);
    }

    @Override
    public MemorySegment adopt(MemorySegment nativeMemory, long size) {
        return view.adopt(nativeMemory, size);
    }

    @Override
    public MemStats stats() {
        return view.stats();
    }

    @Override
    public List<Holding> holdings() {
        return view.holdings();
    }
}
