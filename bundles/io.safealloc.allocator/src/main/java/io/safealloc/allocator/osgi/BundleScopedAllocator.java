package io.safealloc.allocator.osgi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.OwnerView;
import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemStats;

/**
 * The {@link AllocatorService} a bundle gets: DS creates one instance per using bundle (bundle
 * scope), which accounts everything to that bundle. When the bundle releases the service (it
 * stops), DS deactivates the instance and the bundle's outstanding allocations are reported and
 * freed.
 */
@Component(service = AllocatorService.class, scope = ServiceScope.BUNDLE,
        property = "service.description=SafeAlloc checked native-memory allocator (bundle scoped)")
public class BundleScopedAllocator implements AllocatorService {

    @Reference
    private AllocatorComponent runtime;

    private OwnerView view;

    @Activate
    void activate(ComponentContext context) {
        Bundle user = context.getUsingBundle();
        String name = user.getSymbolicName() == null ? "bundle-" + user.getBundleId() : user.getSymbolicName();
        view = runtime.allocator().open(new Owner(user.getBundleId(), name));
    }

    @Deactivate
    void deactivate() {
        view.release();
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
    public java.util.List<io.safealloc.api.Holding> holdings() {
        return view.holdings();
    }
}
