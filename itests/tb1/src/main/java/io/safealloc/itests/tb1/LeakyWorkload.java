package io.safealloc.itests.tb1;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.LongFunction;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.safealloc.api.AllocatorService;

/**
 * Test bundle tb1: an outside bundle that uses SafeAlloc as any bundle would. On activation it
 * allocates three buffers (100, 200, 300 bytes) and never frees them: a leak for the allocator to
 * report and release when the bundle stops. As a {@code LongFunction} service (a JDK type, so the
 * tests need no import of this package) it allocates on request, accounted to tb1.
 */
@Component(service = LongFunction.class, property = "safealloc.test=tb1", immediate = true)
public class LeakyWorkload implements LongFunction<MemorySegment> {

    @Reference
    private AllocatorService allocator;

    @SuppressWarnings("unused")
    private List<MemorySegment> leaked;

    @Activate
    void activate() {
        leaked = List.of(allocator.rAlloc(100), allocator.rAlloc(200), allocator.rAlloc(300));
    }

    @Override
    public MemorySegment apply(long size) {
        return allocator.rAlloc(size);
    }
}
