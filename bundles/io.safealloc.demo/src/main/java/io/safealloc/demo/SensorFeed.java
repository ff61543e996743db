package io.safealloc.demo;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;

/**
 * A sensor feed: at every {@link #tick()} the simulated device writes a frame into a native receive
 * buffer ({@code rAlloc}, one for the feed's lifetime), and the frame is copied into the
 * {@link FrameRing} of recent frames ({@code rMemdup}; the oldest is freed with {@code rFree}).
 * When the allocator refuses a copy (the handlers decided FAIL) the frame is dropped and counted,
 * and the feed goes on: memory pressure degrades the feed instead of ending it. A drop is logged
 * when it starts and when frames flow again, not for every frame.
 *
 * <p>{@link #start} runs {@link #tick()} at the configured rate on a scheduler; tests call
 * {@link #tick()} directly. Thread-safe: ticks and {@link #close()} are serialised, and a tick after
 * close does nothing.
 */
public final class SensorFeed implements AutoCloseable {

    private static final Logger LOG = System.getLogger("io.safealloc.demo.sensor");

    private final AllocatorService allocator;
    private final SensorSettings settings;
    private final MemorySegment receiveBuffer;
    private final FrameRing ring;
    private long sequence;
    private long kept;
    private long dropped;
    private boolean dropping;
    private boolean closed;
    private ScheduledFuture<?> schedule;

    /**
     * Allocates the receive buffer.
     *
     * @throws MemoryAllocationException if even the receive buffer cannot be allocated
     */
    public SensorFeed(AllocatorService allocator, SensorSettings settings) {
        this.allocator = allocator;
        this.settings = settings;
        this.receiveBuffer = allocator.rAlloc(settings.frameSize());
        this.ring = new FrameRing(allocator, settings.buffersKept());
    }

    /** Runs {@link #tick()} every {@link SensorSettings#periodNanos()} on {@code scheduler}. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (closed || schedule != null) {
            throw new IllegalStateException(closed ? "the feed is closed" : "the feed is already started");
        }
        schedule = scheduler.scheduleAtFixedRate(this::tickQuietly, 0, settings.periodNanos(), TimeUnit.NANOSECONDS);
    }

    /** A scheduled task that throws is never run again: log instead, and keep the feed running. */
    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "sensor feed: tick failed", e);
        }
    }

    /** Captures one frame and keeps a native copy of it, or drops it when memory is refused. */
    public synchronized void tick() {
        if (closed) {
            return;
        }
        long number = ++sequence;
        SensorFrames.capture(receiveBuffer, number, System.nanoTime());
        try {
            ring.keep(receiveBuffer);
            kept++;
            if (dropping) {
                dropping = false;
                LOG.log(Level.INFO, "sensor feed: frames kept again from frame {0} ({1} dropped so far)",
                        String.valueOf(number), String.valueOf(dropped));
            }
        } catch (MemoryAllocationException e) {
            dropped++;
            if (!dropping) {
                dropping = true;
                LOG.log(Level.WARNING, "sensor feed: dropping frames from frame {0}: {1} refused ({2}, decision {3})",
                        String.valueOf(number), settings.frameSize() + " bytes", e.cause(), e.decision());
            }
        }
    }

    /** @return frames captured so far */
    public synchronized long captured() {
        return sequence;
    }

    /** @return frames whose copy was kept */
    public synchronized long kept() {
        return kept;
    }

    /** @return frames dropped because the allocator refused the copy */
    public synchronized long dropped() {
        return dropped;
    }

    /** @return the native copies in the ring, oldest first; valid until the next tick or close */
    public synchronized java.util.List<MemorySegment> keptFrames() {
        return ring.frames();
    }

    /** @return the sequence numbers of the frames in the ring, oldest first */
    public synchronized long[] keptSequences() {
        return ring.frames().stream().mapToLong(SensorFrames::sequence).toArray();
    }

    /**
     * Stops the schedule (a tick already running finishes first: ticks and close share a lock) and
     * frees every buffer. The caller owns the scheduler and shuts it down. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (schedule != null) {
            schedule.cancel(false);
        }
        ring.clear();
        allocator.rFree(receiveBuffer);
    }
}
