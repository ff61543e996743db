package io.safealloc.itests.tb2;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import io.safealloc.api.AllocatorService;

/**
 * Test bundle tb2: a bundle that allocates and frees random sizes (1 B to 256 KiB) on a thread of
 * its own for as long as it is active, as a device driver would, and stops with whatever it still
 * holds (the allocator releases that when the bundle stops). Every exception its calls throw goes to
 * the stress test's sink, a {@code Consumer} service with {@code safealloc.stress=sink} (a JDK type,
 * so the two bundles share no class of their own): the test sorts documented failures from the
 * rest. The component needs the sink, so it only runs while a stress test is listening.
 */
@Component(immediate = true)
public class AllocatingWorkload {

    private static final double LOG_MAX_SIZE = Math.log(256 * 1024);

    @Reference
    private AllocatorService allocator;

    @Reference(target = "(safealloc.stress=sink)")
    private Consumer<Object> sink;

    private volatile boolean running = true;
    private Thread worker;

    @Activate
    void activate() {
        worker = Thread.ofPlatform().name("tb2-allocating-workload").daemon().start(this::work);
    }

    /** Stops the worker before DS releases the allocator service: a bundle stops its threads first. */
    @Deactivate
    void deactivate() throws InterruptedException {
        running = false;
        if (!worker.join(Duration.ofSeconds(30))) {
            sink.accept(new IllegalStateException("tb2's worker did not stop within 30 s"));
        }
    }

    private void work() {
        SplittableRandom random = new SplittableRandom();
        List<MemorySegment> held = new ArrayList<>();
        while (running) {
            try {
                if (held.size() < 16 && (held.isEmpty() || random.nextBoolean())) {
                    MemorySegment s = allocator.rAlloc((long) Math.exp(random.nextDouble() * LOG_MAX_SIZE));
                    s.set(ValueLayout.JAVA_BYTE, s.byteSize() - 1, (byte) 1);
                    held.add(s);
                } else {
                    allocator.rFree(held.remove(random.nextInt(held.size())));
                }
            } catch (Throwable t) { // the test decides which ones are documented
                sink.accept(t);
                if (t instanceof Error) {
                    return;
                }
            }
        }
        // Whatever is still held stays allocated: released (and reported as a leak) when tb2 stops.
    }
}
