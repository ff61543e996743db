package io.safealloc.api;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.util.List;

/**
 * Thrown by an {@link AllocatorService} call that could not allocate, after the handlers decided
 * {@link Recovery#FAIL} (or retries ran out, or the decision was {@link Recovery#ABORT}). Nothing was
 * allocated, and for a resize the original segment stays valid and accounted.
 *
 * <p>Unchecked, as callers are not expected to test every allocation: one place (the handlers)
 * decides. It carries the event that led to it, including the statistics and top holders at that
 * moment.
 *
 * <p>Serializable with every figure: a deserialized exception answers {@link #event()},
 * {@link #cause()}, {@link #size()}, {@link #decision()}, {@link #stats()} and {@link #topHolders()}
 * as the original did (from copies of the figures, not the allocator's objects).
 */
public class MemoryAllocationException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    // Written as serializable copies by writeObject: the allocator's implementations need not be.
    private transient MemEvent event;
    private transient MemStats stats;
    private final Recovery decision;

    /**
     * @param message the message
     * @param event the event that was decided
     * @param decision the decision that ended the call
     * @param stats the allocator's statistics when the call failed
     */
    public MemoryAllocationException(String message, MemEvent event, Recovery decision, MemStats stats) {
        super(message);
        this.event = event;
        this.decision = decision;
        this.stats = stats;
    }

    /** @return the event that led to the failure */
    public MemEvent event() {
        return event;
    }

    /** @return why the allocation failed */
    public Cause cause() {
        return event.cause();
    }

    /** @return the requested size in bytes */
    public long size() {
        return event.size();
    }

    /** @return the decision that ended the call: FAIL, or ABORT, or RETRY when retries ran out */
    public Recovery decision() {
        return decision;
    }

    /** @return the allocator's statistics when the call failed */
    public MemStats stats() {
        return stats;
    }

    /** @return the bundles holding the most memory when the call failed, largest first */
    public List<BundleStats> topHolders() {
        return event.topHolders();
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeObject(SerialFigures.copy(event));
        out.writeObject(SerialFigures.copy(stats));
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        event = (MemEvent) in.readObject();
        stats = (MemStats) in.readObject();
    }
}
