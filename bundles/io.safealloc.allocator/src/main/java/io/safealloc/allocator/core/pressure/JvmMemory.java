package io.safealloc.allocator.core.pressure;

import java.lang.management.ManagementFactory;
import java.util.List;

import io.safealloc.api.Sizes;

/**
 * The JVM's own ceilings: the maximum heap and the maximum direct memory. Java has no public call
 * for the latter: it is {@code -XX:MaxDirectMemorySize} when given on the command line, otherwise
 * the JVM allows as much direct memory as the maximum heap ({@code Runtime.maxMemory()}), which is
 * what {@code jdk.internal.misc.VM.maxDirectMemory()} returns.
 */
public final class JvmMemory {

    private JvmMemory() {
    }

    public static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    public static long maxDirect() {
        return maxDirect(ManagementFactory.getRuntimeMXBean().getInputArguments(), maxHeap());
    }

    /** @return the last {@code -XX:MaxDirectMemorySize=} of {@code arguments}, or {@code maxHeap} (also for 0) */
    static long maxDirect(List<String> arguments, long maxHeap) {
        long max = 0;
        for (String argument : arguments) {
            if (argument.startsWith("-XX:MaxDirectMemorySize=")) {
                try {
                    max = Sizes.parse(argument.substring("-XX:MaxDirectMemorySize=".length()).toLowerCase());
                } catch (IllegalArgumentException e) {
                    max = 0; // the JVM would not have started with it; keep the default
                }
            }
        }
        return max > 0 ? max : maxHeap;
    }
}
