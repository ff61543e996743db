package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Budget;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/** A MemoryAllocationException keeps every figure across serialization (a remote client reads it). */
class ExceptionSerializationTest {

    @Test
    void everyFigureSurvivesARoundTrip() throws Exception {
        SafeAllocator allocator = SafeAllocator.builder().silent()
                .config(AllocatorConfig.DEFAULTS.withLimit(4096).withDefaultRecovery(Recovery.FAIL)).build();
        AllocatorService mem = allocator.open(new Owner(42, "io.example.sensor"));
        MemorySegment held = mem.rAlloc(3000);
        MemoryAllocationException original = assertThrows(MemoryAllocationException.class, () -> mem.rAlloc(2000));

        MemoryAllocationException copy = roundTrip(original);

        assertNotSame(original, copy);
        assertEquals(original.getMessage(), copy.getMessage());
        assertEquals(Cause.LIMIT, copy.cause());
        assertEquals(2000, copy.size());
        assertEquals(Recovery.FAIL, copy.decision());
        assertEquals(Budget.GLOBAL, copy.event().budget());
        assertEquals(original.event().bytesInUse(), copy.event().bytesInUse());
        assertEquals(4096, copy.event().limit());
        assertEquals(42, copy.event().bundleId());
        assertEquals("io.example.sensor", copy.event().bundleName());
        assertEquals(1, copy.event().attempt());
        assertEquals(3000, copy.topHolders().getFirst().bytesInUse());
        assertEquals("io.example.sensor", copy.topHolders().getFirst().bundleName());
        assertEquals(original.stats().bytesInUse(), copy.stats().bytesInUse());
        assertEquals(original.stats().limit(), copy.stats().limit());
        assertEquals(original.stats().warnThreshold(), copy.stats().warnThreshold());
        assertEquals(original.stats().failures(), copy.stats().failures());
        assertEquals(original.stats().bundles().size(), copy.stats().bundles().size());
        assertEquals(1L, copy.stats().bundles().getFirst().liveAllocations());
        mem.rFree(held);
    }

    @Test
    void anExceptionWithoutFiguresStaysWithoutThem() throws Exception {
        MemoryAllocationException copy = roundTrip(new MemoryAllocationException("none", null, Recovery.FAIL, null));
        assertEquals(null, copy.event());
        assertEquals(null, copy.stats());
        assertEquals(Recovery.FAIL, copy.decision());
    }

    private static MemoryAllocationException roundTrip(MemoryAllocationException e) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (MemoryAllocationException) in.readObject();
        }
    }
}
