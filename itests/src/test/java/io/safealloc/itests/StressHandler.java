package io.safealloc.itests;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemHandler;
import io.safealloc.api.Recovery;

/**
 * A handler of the stress run, of one of three kinds: RETRY after freeing its reserve (a block it
 * holds for that purpose; without one it defers), DEFER, or FAIL. It counts the decisions it
 * returns in the {@link FailureLedger}; warnings it always defers.
 *
 * <p>Thread-safe: the allocator calls it from any allocating thread, concurrently.
 */
final class StressHandler implements MemHandler {

    enum Kind { RETRY_AFTER_FREEING, DEFER, FAIL }

    final Kind kind;
    private final AllocatorService allocator;
    private final FailureLedger ledger;
    private final AtomicReference<MemorySegment> reserve = new AtomicReference<>();

    StressHandler(Kind kind, AllocatorService allocator, FailureLedger ledger) {
        this.kind = kind;
        this.allocator = allocator;
        this.ledger = ledger;
    }

    @Override
    public Recovery handle(MemEvent event) {
        if (event.cause() == Cause.WARNING) {
            return Recovery.DEFER;
        }
        switch (kind) {
            case FAIL -> {
                ledger.handlerFails.incrementAndGet();
                return Recovery.FAIL;
            }
            case RETRY_AFTER_FREEING -> {
                MemorySegment freed = reserve.getAndSet(null); // of two threads, one gets it
                if (freed == null) {
                    return Recovery.DEFER;
                }
                allocator.rFree(freed);
                ledger.handlerRetries.incrementAndGet();
                return Recovery.RETRY;
            }
            default -> {
                return Recovery.DEFER;
            }
        }
    }

    /** Gives a RETRY handler a reserve if it has none; the allocation may fail (and is then counted). */
    void refill(long size) {
        if (kind == Kind.RETRY_AFTER_FREEING && reserve.get() == null) {
            MemorySegment fresh = allocator.rAlloc(size);
            if (!reserve.compareAndSet(null, fresh)) {
                allocator.rFree(fresh);
            }
        }
    }

    /** Frees the reserve, if the handler still has one (it is leaving the chain). */
    void release() {
        MemorySegment left = reserve.getAndSet(null);
        if (left != null) {
            allocator.rFree(left);
        }
    }

    /** @return the bytes of the reserve held now (exact only while no handler runs) */
    long reserveBytes() {
        MemorySegment r = reserve.get();
        return r == null ? 0 : r.byteSize();
    }

    @Override
    public String toString() {
        return "StressHandler[" + kind + "]";
    }
}
