package io.safealloc.demo;

/**
 * How the sensor feed runs, validated so that a bad configuration is refused as a whole.
 *
 * @param framesPerSecond frames produced per second (1 to 1000)
 * @param frameSize bytes per frame, header included ({@value SensorFrames#HEADER_BYTES} to 64 MiB)
 * @param buffersKept how many recent frames are kept in native memory (1 to 100000); older ones
 *     are freed
 */
public record SensorSettings(int framesPerSecond, int frameSize, int buffersKept) {

    /**
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public SensorSettings {
        if (framesPerSecond < 1 || framesPerSecond > 1000) {
            throw new IllegalArgumentException("framesPerSecond must be between 1 and 1000, was " + framesPerSecond);
        }
        if (frameSize < SensorFrames.HEADER_BYTES || frameSize > 64 << 20) {
            throw new IllegalArgumentException("frameSize must be between " + SensorFrames.HEADER_BYTES
                    + " and " + (64 << 20) + " bytes, was " + frameSize);
        }
        if (buffersKept < 1 || buffersKept > 100_000) {
            throw new IllegalArgumentException("buffersKept must be between 1 and 100000, was " + buffersKept);
        }
    }

    /** @return the time between two frames in nanoseconds */
    public long periodNanos() {
        return 1_000_000_000L / framesPerSecond;
    }
}
