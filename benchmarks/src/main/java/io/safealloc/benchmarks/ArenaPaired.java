package io.safealloc.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

import io.safealloc.allocator.core.Owner;
import io.safealloc.allocator.core.SafeAllocator;
import io.safealloc.api.AllocatorService;

/**
 * Issue 13's arena ratios measured in pairs, for a machine too busy for {@link ArenaAllocFree}'s
 * separate measurements: each round times {@code n} operations of one side, then of the other (the
 * order alternating), so that a slow spell of the machine slows both alike; it prints the median
 * per-operation time of each side and the median of the per-round ratios with its quartiles.
 * A plain main, as {@link MetadataFootprint}:
 * {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar io.safealloc.benchmarks.ArenaPaired}
 * (add {@code shared} for the shared arenas, whose close takes tens of microseconds).
 */
public final class ArenaPaired {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(LINKER.defaultLookup().find("malloc").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(JAVA_LONG));
    private static long sink;
    /**
     * Every arena's segment is stored here, so it is made as a returned one is (a Blackhole's job in
     * JMH). The arenas are asked for {@code allocate(64, 1)}, which each implements, rather than
     * {@code allocate(64)}: that is a default method of {@code SegmentAllocator}, compiled once for
     * both arenas, so its profile would see both and the JIT would inline it into neither side's loop
     * (a JMH fork runs one side only, and inlines it), which slows the JDK's side the more.
     */
    private static MemorySegment last;

    private ArenaPaired() {
    }

    @FunctionalInterface
    private interface Op {
        void run() throws Throwable;
    }

    private static double time(Op op, int n) throws Throwable {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            op.run();
        }
        return (System.nanoTime() - start) / (double) n;
    }

    private static void pair(String name, Op a, Op b, int n, int rounds, int perOp) throws Throwable {
        for (int w = 0; w < 200; w++) {
            time(a, n);
            time(b, n);
        }
        double[] ta = new double[rounds];
        double[] tb = new double[rounds];
        double[] ratio = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            double x;
            double y;
            if ((i & 1) == 0) {
                x = time(a, n);
                y = time(b, n);
            } else {
                y = time(b, n);
                x = time(a, n);
            }
            ta[i] = x / perOp;
            tb[i] = y / perOp;
            ratio[i] = x / y;
        }
        Arrays.sort(ta);
        Arrays.sort(tb);
        Arrays.sort(ratio);
        System.out.printf("%-52s %8.1f ns %8.1f ns  ratio %.2f (quartiles %.2f-%.2f)%n", name, ta[rounds / 2],
                tb[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
    }

    public static void main(String[] args) throws Throwable {
        SafeAllocator allocator = Allocators.create(0);
        AllocatorService mem = allocator.open(new Owner(42, "io.example.consumer"));
        Op safe1 = () -> {
            try (Arena arena = mem.confinedArena()) {
                last = arena.allocate(64, 1);
            }
        };
        Op jdk1 = () -> {
            try (Arena arena = Arena.ofConfined()) {
                last = arena.allocate(64, 1);
            }
        };
        Op safe16 = () -> {
            try (Arena arena = mem.confinedArena()) {
                for (int i = 0; i < 16; i++) {
                    last = arena.allocate(64, 1);
                }
            }
        };
        Op jdk16 = () -> {
            try (Arena arena = Arena.ofConfined()) {
                for (int i = 0; i < 16; i++) {
                    last = arena.allocate(64, 1);
                }
            }
        };
        Op ffm16 = () -> {
            long[] blocks = new long[16];
            for (int i = 0; i < 16; i++) {
                blocks[i] = (long) MALLOC.invokeExact(64L);
            }
            for (int i = 0; i < 16; i++) {
                FREE.invokeExact(blocks[i]);
            }
            sink += blocks[3];
        };
        System.out.printf("%-52s %11s %11s  %s%n", "A vs B", "A per op", "B per op", "A/B per round (median)");
        // Once unmeasured first: the first pair would otherwise also pay for the JIT's work.
        pair("(warm-up)", safe1, jdk1, 2000, 50, 1);
        pair("confined arena 64 B + close: SafeAlloc vs JDK", safe1, jdk1, 2000, 400, 1);
        pair("16 x 64 B then close, per block: SafeAlloc vs JDK", safe16, jdk16, 200, 400, 16);
        pair("16 x 64 B then close, per block: SafeAlloc vs FFM", safe16, ffm16, 200, 400, 16);
        pair("open + close, no block: SafeAlloc vs JDK", () -> {
            try (Arena arena = mem.confinedArena()) {
                sink += arena.hashCode();
            }
        }, () -> {
            try (Arena arena = Arena.ofConfined()) {
                sink += arena.hashCode();
            }
        }, 2000, 400, 1);
        pair("allocate(64)+rFree vs rAlloc(64)+rFree", () -> mem.rFree(mem.allocate(64)),
                () -> mem.rFree(mem.rAlloc(64)), 2000, 400, 1);
        if (args.length > 0 && args[0].equals("shared")) {
            pair("shared arena 64 B + close: SafeAlloc vs JDK", () -> {
                try (Arena arena = mem.sharedArena()) {
                    last = arena.allocate(64, 1);
                }
            }, () -> {
                try (Arena arena = Arena.ofShared()) {
                    last = arena.allocate(64, 1);
                }
            }, 20, 200, 1);
        }
        if (allocator.stats().bytesInUse() != 0) {
            throw new IllegalStateException("leaked " + allocator.stats().bytesInUse() + " bytes");
        }
        System.out.println(sink == 42 ? "" : "done");
    }
}
