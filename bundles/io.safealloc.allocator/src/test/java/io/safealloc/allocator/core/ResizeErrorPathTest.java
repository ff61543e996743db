package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * rRealloc when something throws at each step: after libc has answered, the table follows libc
 * whatever is thrown (no entry for a block libc freed, so no double free); before, the original
 * comes back, or is released if its owner closed meanwhile. Checked against a backend that holds
 * every block libc handed out and turns a double free into an AssertionError instead of a crash.
 */
class ResizeErrorPathTest {

    private static final long LIMIT = 100_000;

    private final FaultInjectingBackend libc = FaultInjectingBackend.reliable();
    private final SafeAllocator allocator = SafeAllocator.builder().backend(libc).silent()
            .config(AllocatorConfig.DEFAULTS.withLimit(LIMIT).withWarnPercent(50).withDefaultRecovery(Recovery.FAIL))
            .abortAction((event, code) -> { throw new AssertionError("no abort expected"); })
            .build();

    /** What throws during the WARNING that a growing resize raises after libc moved the block. */
    enum Thrower {
        HANDLER_INTERNAL_ERROR, OBSERVER_ERROR, ABORT_ACTION_SHUTDOWN_IN_PROGRESS
    }

    private void arm(Thrower thrower) {
        switch (thrower) {
            case HANDLER_INTERNAL_ERROR -> allocator.handlers().add(e -> {
                throw new InternalError("the JVM is failing");
            }, 0);
            case OBSERVER_ERROR -> allocator.addObserver(new AllocatorObserver() {
                @Override
                public void decided(MemEvent event, Recovery decision) {
                    throw new LinkageError("observer broken");
                }
            });
            case ABORT_ACTION_SHUTDOWN_IN_PROGRESS -> {
                allocator.handlers().add(e -> e.cause() == Cause.WARNING ? Recovery.ABORT : Recovery.DEFER, 0);
                allocator.setAbortAction((e, code) -> {
                    throw new IllegalStateException("Shutdown in progress");
                });
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Thrower.class)
    void aThrowAfterLibcMovedTheBlockLeavesNothingToFreeTwice(Thrower thrower) {
        AllocatorService mem = allocator.unowned();
        MemorySegment original = mem.rAlloc(1000); // below the warning threshold (50 000)
        arm(thrower);

        Throwable thrown = assertThrows(Throwable.class, () -> mem.rRealloc(original, 80_000));
        assertTrue(!(thrown instanceof AssertionError), "no double free reached libc: " + thrown);

        // libc freed or moved the original: it must be rejected, never handed to libc free again.
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class, () -> mem.rFree(original));
        assertTrue(stale.getMessage().startsWith("rFree: 0x"), stale.getMessage());
        assertEquals(0, libc.outstandingBlocks(), "the caller never got the new block: it was freed");
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(0, allocator.stats().liveAllocations());
        assertEquals(allocator.stats().allocations(), allocator.stats().frees());
    }

    @Test
    void aResizeFailingAfterItsOwnerClosedReleasesTheBlockInsteadOfFilingItUnderTheClosedOwner() {
        OwnerView bundle = allocator.open(new Owner(7, "io.example.stopping"));
        MemorySegment held = bundle.rAlloc(4096);
        // The bundle stops while its resize waits for the handlers (here: during them, on the same
        // thread, so the interleaving is certain); the handlers then fail the resize.
        allocator.handlers().add(e -> {
            if (e.cause() == Cause.LIMIT) {
                bundle.release();
            }
            return Recovery.FAIL;
        }, 0);

        assertThrows(MemoryAllocationException.class, () -> bundle.rRealloc(held, LIMIT * 2));

        assertEquals(0, libc.outstandingBlocks(), "the block was released, not kept for a closed owner");
        assertEquals(0, allocator.stats().bytesInUse());
        assertEquals(allocator.stats().bundles().stream().mapToLong(b -> b.bytesInUse()).sum(),
                allocator.stats().bytesInUse(), "per-bundle figures sum to the global one");
        long[] entries = new long[1];
        allocator.live().forEach((address, entry) -> entries[0]++);
        assertEquals(0, entries[0], "no entry left in the table, under any owner");
    }

    @Test
    void aBlockInTheMiddleOfAResizeIsSaidToBeBeingResized() {
        AllocatorService mem = allocator.unowned();
        MemorySegment held = mem.rAlloc(64);
        AtomicReference<IllegalArgumentException> duringResize = new AtomicReference<>();
        allocator.handlers().add(e -> {
            duringResize.set(assertThrows(IllegalArgumentException.class, () -> mem.rFree(held)));
            return Recovery.FAIL;
        }, 0);

        assertThrows(MemoryAllocationException.class, () -> mem.rRealloc(held, LIMIT * 2));

        assertEquals(String.format("rFree: 0x%x is being resized by an rRealloc on another thread; the segment "
                + "passed is about to become stale; nothing was changed", held.address()), duringResize.get().getMessage());
        mem.rFree(held); // the failed resize gave it back: valid again
        assertEquals(0, libc.outstandingBlocks());
    }

    @Test
    void aSegmentOfAClosedForeignArenaIsNamedAsSuch() {
        MemorySegment foreign;
        try (Arena arena = Arena.ofConfined()) {
            foreign = arena.allocate(64);
        }
        MemorySegment closed = foreign;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> allocator.unowned().rFree(closed));
        assertEquals(String.format("rFree: the segment at 0x%x belongs to an Arena that is closed, not to this "
                + "allocator (the arena freed it when it closed); nothing was changed", closed.address()), e.getMessage());
        assertEquals(0, libc.frees());
    }

    @Test
    void checkedTwoResizesOfOneSegmentCannotBothSucceed() throws Exception {
        SafeAllocator checked = SafeAllocator.builder().backend(libc).silent()
                .config(AllocatorConfig.DEFAULTS.withLimit(LIMIT).withWarnPercent(1).withSafety(Safety.CHECKED)
                        .withDefaultRecovery(Recovery.FAIL)).build();
        AllocatorService mem = checked.unowned();
        MemorySegment filler = mem.rAlloc(930);
        MemorySegment original = mem.rAlloc(64); // 994 bytes in use: 8 more cross the threshold (1000)
        CountDownLatch secondDone = new CountDownLatch(1);
        AtomicReference<Object> second = new AtomicReference<>();
        // The first resize grows the block in place (malloc's 64-byte chunk has room for 72) and
        // crosses the warning threshold after libc answered; while its WARNING runs, a second resize
        // of the same segment, stale now although its address is live again, runs on another thread.
        checked.handlers().add(e -> {
            if (e.cause() == Cause.WARNING && second.get() == null) {
                CompletableFuture.runAsync(() -> {
                    try {
                        second.set(mem.rRealloc(original, 64));
                    } catch (RuntimeException | Error failed) {
                        second.set(failed);
                    } finally {
                        secondDone.countDown();
                    }
                });
                try {
                    assertTrue(secondDone.await(10, TimeUnit.SECONDS), "the second resize finished");
                } catch (InterruptedException interrupted) {
                    throw new AssertionError(interrupted);
                }
            }
            return Recovery.DEFER;
        }, 0);

        MemorySegment first = mem.rRealloc(original, 72);

        assertEquals(original.address(), first.address(), "resized in place: the scenario of the race");
        assertInstanceOf(IllegalArgumentException.class, second.get(), "the stale segment was refused");
        mem.rFree(first);
        mem.rFree(filler);
        assertEquals(0, libc.outstandingBlocks());
        assertEquals(0, checked.stats().bytesInUse());
    }
}
