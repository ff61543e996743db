package io.safealloc.demo;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;

/**
 * A deliberate leak: allocates ({@code rAlloc}) and never frees, so that the allocator's leak
 * report shows what happens when the bundle stops: everything it still holds is logged and freed.
 * The first refused allocation ends the growth (one log line, no flood): the memory already leaked
 * stays held.
 *
 * <p>{@link #start()} leaks {@link LeakSettings#leakCount()} blocks; each {@link #tick()} (once a
 * second, driven by the component, or directly by tests) leaks
 * {@link LeakSettings#leakBytesPerSecond()} more. Thread-safe: calls are serialised.
 */
public final class Leak {

    private static final Logger LOG = System.getLogger("io.safealloc.demo.leaky");

    private final AllocatorService allocator;
    private final LeakSettings settings;
    private long blocks;
    private long bytes;
    private boolean stopped;

    public Leak(AllocatorService allocator, LeakSettings settings) {
        this.allocator = allocator;
        this.settings = settings;
    }

    /** Leaks the initial {@link LeakSettings#leakCount()} blocks. */
    public synchronized void start() {
        for (int i = 0; i < settings.leakCount() && !stopped; i++) {
            leak(settings.leakSize());
        }
    }

    /** Leaks one second's worth: {@link LeakSettings#leakBytesPerSecond()} in blocks of {@code leakSize}. */
    public synchronized void tick() {
        long remaining = settings.leakBytesPerSecond();
        while (remaining > 0 && !stopped) {
            long block = Math.min(remaining, settings.leakSize());
            leak(block);
            remaining -= block;
        }
    }

    private void leak(long size) {
        try {
            allocator.rAlloc(size); // dropped on purpose: this is the leak
            blocks++;
            bytes += size;
        } catch (MemoryAllocationException e) {
            stopped = true;
            LOG.log(Level.WARNING, "leaky: allocation of {0} bytes refused ({1}, decision {2}); the leak stops "
                    + "growing, holding {3} blocks, {4} bytes", String.valueOf(size), e.cause(), e.decision(),
                    String.valueOf(blocks), String.valueOf(bytes));
        }
    }

    /** @return blocks leaked so far */
    public synchronized long blocks() {
        return blocks;
    }

    /** @return bytes leaked so far */
    public synchronized long bytes() {
        return bytes;
    }

    /** @return whether an allocation was refused, which ends the growth */
    public synchronized boolean stopped() {
        return stopped;
    }
}
