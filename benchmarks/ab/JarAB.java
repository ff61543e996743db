import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * In-fork A/B of two builds of the allocator: each benchmarks.jar in a class loader of its own, the
 * same 64 B rAlloc + rFree timed in alternating batches of 1,000,000 in one JVM, so that the VM's
 * fork-to-fork states (which make single JMH forks of one jar range from 32 to 57 ns/op here) hit
 * both builds alike. Its own bias is as large as a small effect: the two copies share the JDK's
 * method-handle code and pollute each other's profiles (A/A runs: 0.91 to 1.03), so it shows the
 * direction of a difference, not a size below about 10 % (docs/benchmarks.md). Run as a
 * single-file program (JDK 25):
 *
 *   java --enable-native-access=ALL-UNNAMED -Dab.old=OLD.jar -Dab.new=NEW.jar benchmarks/ab/JarAB.java 40
 *
 * OLD.jar is taken as of 54eb177 (SafeAllocator is the AllocatorService), NEW.jar as of issue 11
 * (its unowned() view is). Prints the medians and the median of the per-batch ratios new/old.
 */
public class JarAB {
    static Object make(String jar, boolean old) throws Throwable {
        ClassLoader cl = new URLClassLoader(new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> sa = Class.forName("io.safealloc.allocator.core.SafeAllocator", true, cl);
        Object builder = sa.getMethod("builder").invoke(null);
        builder = builder.getClass().getMethod("silent").invoke(builder);
        Object alloc = builder.getClass().getMethod("build").invoke(builder);
        return old ? alloc : sa.getMethod("unowned").invoke(alloc);
    }
    static MethodHandle h(Object target, String name, MethodType type) throws Throwable {
        Class<?> svc = Class.forName("io.safealloc.api.AllocatorService", true, target.getClass().getClassLoader());
        return MethodHandles.publicLookup().findVirtual(svc, name, type).bindTo(target);
    }
    // Two near-identical holders on purpose: each side's handles must be static finals of a class of
    // their own, so that C2 treats them as constants and inlines through them into that side's loop.
    static final class A {
        static final MethodHandle ALLOC, FREE;
        static { try { Object t = make(System.getProperty("ab.old"), true);
            ALLOC = h(t, "rAlloc", MethodType.methodType(MemorySegment.class, long.class));
            FREE = h(t, "rFree", MethodType.methodType(void.class, MemorySegment.class)); } catch (Throwable e) { throw new Error(e); } }
        static long run(int n) throws Throwable { long s = System.nanoTime(); long sink = 0;
            for (int i = 0; i < n; i++) { MemorySegment m = (MemorySegment) ALLOC.invokeExact(64L); sink += m.address(); FREE.invokeExact(m); }
            long t = System.nanoTime() - s; if (sink == 42) System.out.print(""); return t; }
    }
    static final class B {
        static final MethodHandle ALLOC, FREE;
        static { try { Object t = make(System.getProperty("ab.new"), false);
            ALLOC = h(t, "rAlloc", MethodType.methodType(MemorySegment.class, long.class));
            FREE = h(t, "rFree", MethodType.methodType(void.class, MemorySegment.class)); } catch (Throwable e) { throw new Error(e); } }
        static long run(int n) throws Throwable { long s = System.nanoTime(); long sink = 0;
            for (int i = 0; i < n; i++) { MemorySegment m = (MemorySegment) ALLOC.invokeExact(64L); sink += m.address(); FREE.invokeExact(m); }
            long t = System.nanoTime() - s; if (sink == 42) System.out.print(""); return t; }
    }
    public static void main(String[] args) throws Throwable {
        int n = 1_000_000, rounds = Integer.parseInt(args[0]);
        for (int w = 0; w < 10; w++) { A.run(n); B.run(n); }
        double[] a = new double[rounds], b = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) { a[r] = A.run(n) / (double) n; b[r] = B.run(n) / (double) n; }
            else { b[r] = B.run(n) / (double) n; a[r] = A.run(n) / (double) n; }
        }
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) ratio[r] = b[r] / a[r];
        Arrays.sort(a); Arrays.sort(b); Arrays.sort(ratio);
        System.out.printf("old median %.2f ns/op, new median %.2f ns/op, new/old per-batch ratio median %.3f (p25 %.3f, p75 %.3f)%n",
            a[rounds / 2], b[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
    }
}
