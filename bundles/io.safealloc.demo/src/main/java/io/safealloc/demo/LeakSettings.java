package io.safealloc.demo;

/**
 * How the leaky component leaks.
 *
 * @param leakCount blocks allocated at once when it starts (0 or more)
 * @param leakBytesPerSecond bytes allocated every second after that (0: no growth)
 * @param leakSize bytes per block (1 to 64 MiB); the last block of a second may be smaller
 */
public record LeakSettings(int leakCount, long leakBytesPerSecond, int leakSize) {

    /**
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public LeakSettings {
        if (leakCount < 0) {
            throw new IllegalArgumentException("leakCount must be >= 0, was " + leakCount);
        }
        if (leakBytesPerSecond < 0 || leakBytesPerSecond > 1L << 30) {
            throw new IllegalArgumentException("leakBytesPerSecond must be between 0 and 1 GiB, was "
                    + leakBytesPerSecond);
        }
        if (leakSize < 1 || leakSize > 64 << 20) {
            throw new IllegalArgumentException("leakSize must be between 1 and " + (64 << 20) + " bytes, was "
                    + leakSize);
        }
    }
}
