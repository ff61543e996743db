package io.safealloc.itests.tb1;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

import io.safealloc.api.AllocatorService;

/**
 * tb1's arenas: on activation it opens a shared arena and keeps it open (allocating 1000 bytes in
 * it), and opens a confined arena on a short-lived thread of its own that allocates 128 bytes and
 * ends without closing it: two open arenas for the allocator to close and report when tb1 stops.
 * As a {@code Supplier<Arena>} service (a JDK type) it hands out the open shared arena, so a test
 * can allocate through it, accounted to tb1. Off unless configured (PID {@value #PID}), so that the
 * other tests see tb1's three leaked buffers only.
 */
@Component(service = Supplier.class, property = "safealloc.test=tb1-arena", immediate = true,
        configurationPid = ArenaWorkload.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public class ArenaWorkload implements Supplier<Arena> {

    static final String PID = "io.safealloc.itests.tb1.arena";

    @Reference
    private AllocatorService allocator;

    private Arena shared;

    @Activate
    void activate() throws InterruptedException {
        shared = allocator.sharedArena();
        shared.allocate(1000);
        Thread confined = Thread.ofPlatform().name("tb1-confined-arena").start(() -> {
            MemorySegment s = allocator.confinedArena().allocate(128);
            s.fill((byte) 1);
        });
        confined.join();
    }

    @Override
    public Arena get() {
        return shared;
    }
}
