package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** A thread's spare first chunk on its own: when it is made, lent and given back. */
class SpareChunkTest {

    private final AtomicInteger made = new AtomicInteger();
    private final Supplier<MemorySegment> maker = () -> {
        made.incrementAndGet();
        return SpareChunk.make();
    };

    @Test
    void itIsMadeAtTheSecondRequestThenLentOneBorrowerAtATime() {
        SpareChunk spare = new SpareChunk();
        assertEquals(0, spare.lend(maker)); // a thread that opens one arena never pays for it
        assertEquals(0, made.get());

        long address = spare.lend(maker);
        assertEquals(1, made.get());
        assertTrue(address != 0);
        assertEquals(0, address % 16);
        assertFalse(spare.isFree());
        assertEquals(0, spare.lend(maker)); // lent: a nested arena takes its chunk from malloc

        spare.giveBack();
        assertTrue(spare.isFree());
        assertEquals(address, spare.lend(maker)); // the same chunk again, made once
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
            assertEquals(0, spare.lend(full));
        }
        assertEquals(1, made.get()); // once: an exception per arena would cost more than the malloc it saves
        assertFalse(spare.isFree());
    }

    /**
     * Makes the calling thread's thread-local map drop the entries whose key was collected: a
     * collection, then more entries (the map rehashes and drops them), then another collection.
     */
    static void dropStaleThreadLocals() {
        collectGarbage();
        List<ThreadLocal<Object>> others = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ThreadLocal<Object> other = new ThreadLocal<>();
            other.set(i);
            others.add(other);
        }
        collectGarbage();
        others.forEach(ThreadLocal::remove);
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
