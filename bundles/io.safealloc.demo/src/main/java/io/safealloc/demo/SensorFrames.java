package io.safealloc.demo;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A simulated sensor device: it writes frames into a receive buffer, as a driver's DMA would. A
 * frame is a header ({@code long} sequence number, {@code long} capture time in nanoseconds) followed
 * by 16-bit samples of a sawtooth that shifts with every frame, so that each frame's content is
 * distinct and checkable.
 *
 * <p>Stateless and thread-safe; the buffer it writes into is the caller's.
 */
public final class SensorFrames {

    /** Bytes of the frame header: sequence number and capture time. */
    public static final int HEADER_BYTES = 16;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    private SensorFrames() {
    }

    /** Writes frame {@code sequence} over the whole of {@code buffer}. */
    public static void capture(MemorySegment buffer, long sequence, long captureNanos) {
        buffer.set(LONG, 0, sequence);
        buffer.set(LONG, 8, captureNanos);
        long samples = (buffer.byteSize() - HEADER_BYTES) / 2;
        for (long i = 0; i < samples; i++) {
            buffer.set(SHORT, HEADER_BYTES + 2 * i, sample(sequence, i));
        }
        if ((buffer.byteSize() - HEADER_BYTES) % 2 != 0) {
            buffer.set(ValueLayout.JAVA_BYTE, buffer.byteSize() - 1, (byte) sequence);
        }
    }

    /** @return sample {@code index} of frame {@code sequence} */
    public static short sample(long sequence, long index) {
        return (short) ((sequence + index) & 0x0fff);
    }

    /** @return the sequence number in a frame's header */
    public static long sequence(MemorySegment frame) {
        return frame.get(LONG, 0);
    }
}
