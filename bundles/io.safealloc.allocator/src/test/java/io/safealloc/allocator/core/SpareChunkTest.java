package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** A thread's spare first chunk on its own: when it is made, lent, given back, and what it keeps reachable. */
class SpareChunkTest {

    private final AtomicInteger made = new AtomicInteger();
    private final Supplier<MemorySegment> maker = () -> {
        made.incrementAndGet();
        return SpareChunk.make();
    };

    @Test
    void itIsMadeAtTheSecondRequestThenLentOneBorrowerAtATime() {
        SpareChunk spare = new SpareChunk();
        Object pin = new Object();
        assertEquals(0, spare.lend(maker, pin)); // a thread that opens one arena never pays for it
        assertEquals(0, made.get());

        long address = spare.lend(maker, pin);
        assertEquals(1, made.get());
        assertTrue(address != 0);
        assertEquals(0, address % 16);
        assertFalse(spare.isFree());
        assertEquals(0, spare.lend(maker, pin)); // lent: a nested arena takes its chunk from malloc

        spare.giveBack();
        assertTrue(spare.isFree());
        assertEquals(address, spare.lend(maker, pin)); // the same chunk again, made once
        assertEquals(1, made.get());
    }

    @Test
    void aSpareThatCannotBeMadeIsNotAskedForAgain() {
        SpareChunk spare = new SpareChunk();
        Supplier<MemorySegment> full = () -> {
            made.incrementAndGet();
            throw new OutOfMemoryError("Cannot reserve 1024 bytes of direct buffer memory");
        };
        for (int i = 0; i < 5; i++) {
            assertEquals(0, spare.lend(full, this));
        }
        assertEquals(1, made.get()); // once: an exception per arena would cost more than the malloc it saves
        assertFalse(spare.isFree());
    }

    @Test
    void whileLentItKeepsThePinReachableAndGivenBackItLetsItGo() {
        SpareChunk spare = new SpareChunk();
        spare.lend(maker, null); // the first request
        WeakReference<Object> pin = lendWithAPinNobodyElseHolds(spare);

        collectGarbage();
        assertNotNull(pin.get(), "a lent spare must keep the key of its thread-local entry");

        spare.giveBack();
        collectGarbage();
        assertNull(pin.get(), "a spare given back must not keep a dropped allocator");
    }

    @Test
    void aSpareWhoseBorrowerClosedElsewhereStaysLentAndLetsItsPinGo() {
        SpareChunk spare = new SpareChunk();
        spare.lend(maker, null);
        WeakReference<Object> pin = lendWithAPinNobodyElseHolds(spare);

        spare.unpin(); // the borrower was closed by another thread (its thread ended, or the cleaner)
        collectGarbage();
        assertNull(pin.get(), "a spare that is never given back must not keep a dropped allocator");
        assertEquals(0, spare.lend(maker, new Object())); // still lent: never handed out again
        assertFalse(spare.isFree());
    }

    private static WeakReference<Object> lendWithAPinNobodyElseHolds(SpareChunk spare) {
        Object pin = new Object();
        assertTrue(spare.lend(SpareChunk::make, pin) != 0);
        return new WeakReference<>(pin);
    }

    /** Runs collections until an object that nothing refers to has been collected. */
    static void collectGarbage() {
        WeakReference<Object> canary = new WeakReference<>(new Object());
        for (int i = 0; i < 100 && canary.get() != null; i++) {
            System.gc();
        }
        assertNull(canary.get(), "no collection happened");
    }
}
