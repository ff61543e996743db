package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.safealloc.api.Holding;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/** Observers see decisions, leaks and aborts; holdings() sums the live allocations per owner. */
class ObserverTest {

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final SafeAllocator allocator = SafeAllocator.builder().logger(new RecordingLogger())
            .config(AllocatorConfig.DEFAULTS.withLimit(1000).withWarnPercent(50).withDefaultRecovery(Recovery.FAIL))
            .abortAction((e, code) -> seen.add("abort action " + code))
            .build();

    {
        allocator.addObserver(new AllocatorObserver() {
            @Override
            public void decided(MemEvent event, Recovery decision) {
                seen.add(event.cause() + " " + decision);
            }

            @Override
            public void released(Leaks leaks) {
                seen.add("leak " + leaks.owner().name() + " " + leaks.count() + " " + leaks.bytes());
            }

            @Override
            public void aborting(MemEvent event, int exitCode) {
                seen.add("aborting " + exitCode);
            }
        });
        allocator.addObserver(new AllocatorObserver() {
            @Override
            public void decided(MemEvent event, Recovery decision) {
                throw new IllegalStateException("a broken observer must not break the allocator");
            }
        });
    }

    @Test
    void decisionsLeaksAndAbortsAreObservedInOrder() {
        OwnerView view = allocator.open(new Owner(4, "obs"));
        view.rAlloc(600);
        assertThrows(MemoryAllocationException.class, () -> view.rAlloc(600));
        view.release();
        allocator.configure(allocator.config().withDefaultRecovery(Recovery.ABORT));
        assertThrows(MemoryAllocationException.class, () -> allocator.unowned().rAlloc(2000));
        assertEquals(List.of("WARNING DEFER", "LIMIT FAIL", "leak obs 1 600", "LIMIT ABORT", "aborting 70",
                "abort action 70"), seen);
    }

    @Test
    void holdingsSumTheLiveAllocationsPerOwner() {
        OwnerView a = allocator.open(new Owner(1, "a"));
        OwnerView b = allocator.open(new Owner(2, "b"));
        MemorySegment a1 = a.rAlloc(100);
        MemorySegment a2 = a.rAlloc(300);
        MemorySegment b1 = b.rAlloc(50);
        List<Holding> holdings = allocator.holdings();
        assertEquals(List.of("a", "b"), holdings.stream().map(Holding::bundleName).toList());
        assertEquals(2, holdings.get(0).count());
        assertEquals(400, holdings.get(0).bytes());
        assertEquals(300, holdings.get(0).largest());
        assertEquals(50, holdings.get(1).largest());
        a.rFree(a1);
        a.rFree(a2);
        b.rFree(b1);
        assertEquals(List.of(), allocator.holdings());
    }
}
