package io.safealloc.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

class SensorFramesTest {

    @Test
    void aFrameHasItsSequenceTimeAndShiftingSamples() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(SensorFrames.HEADER_BYTES + 9); // odd: a trailing byte
            SensorFrames.capture(buffer, 42, 123_456_789L);
            assertEquals(42, SensorFrames.sequence(buffer));
            assertEquals(123_456_789L, buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, 8));
            for (int i = 0; i < 4; i++) {
                assertEquals(SensorFrames.sample(42, i),
                        buffer.get(ValueLayout.JAVA_SHORT_UNALIGNED, SensorFrames.HEADER_BYTES + 2L * i));
            }
            assertEquals((byte) 42, buffer.get(ValueLayout.JAVA_BYTE, buffer.byteSize() - 1));
            assertNotEquals(SensorFrames.sample(42, 0), SensorFrames.sample(43, 0));
        }
    }
}
