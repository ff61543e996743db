package io.safealloc.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Old build against new, paired in one JVM: the allocator of each benchmarks jar is loaded in a class
 * loader of its own, and every invocation times a batch of 64-byte {@code rAlloc} + {@code rFree} (or
 * of one-block confined arenas: {@link #op}) on the old one and a batch on the new one, back to back,
 * the order alternating (as {@link PairedScaling} does for two allocators of one build). Both sides
 * run in the same fork and the same moments, so the VM's slow and fast spells (docs/benchmarks.md,
 * "Fork to fork"), which move one fork's speed by up to 1.6x, slow both alike; alternating forks of
 * each jar only average them out.
 *
 * <p>The jars come from system properties: {@code -jvmArgsAppend "-Dpaired.old=OLD.jar
 * -Dpaired.new=NEW.jar"}, each a benchmarks.jar (shaded: API and allocator inside) of its build;
 * {@code benchmarks/paired-in-jvm} passes them and divides the sides. Without them both sides load
 * this build from the class path (an A/A run: the full suite and the smoke test run it so).
 * {@code side=core} is the allocator without an owner (in builds before issue 11 the allocator
 * itself, since then its unowned view), {@code side=bundle} an owner's view, which a bundle's
 * service delegates to. {@code -Dpaired.old.side} or {@code -Dpaired.new.side} sets another row for
 * that side only, to pair two rows (of one jar, or of two).
 *
 * <p>The secondary results {@code oldNanos} and {@code newNanos} are the time each side took per
 * iteration (equal batches, so equal operation counts); the primary score is the mean of both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = Jvm.NATIVE_ACCESS)
@Threads(1)
public class PairedJars {

    static final long SIZE = 64;
    /** Operations per timed batch: long enough that the two nanoTime calls cost under 0.1 ns/op. */
    static final int BATCH = 1000;

    /** {@code core}: the allocator without an owner; {@code bundle}: an owner's view. */
    @Param({"core", "bundle"})
    public String side;

    /**
     * Owners opened (and kept) on each side before the measured one, {@code 0} by default: a probe
     * for how much of a difference follows where the objects happen to lie rather than the code.
     */
    @Param("0")
    public int padOwners;

    /**
     * What a batch does: {@code rAlloc} (64 B {@code rAlloc} + {@code rFree}, the default) or
     * {@code confinedArena} (a confined arena opened, one 64 B block allocated, closed: issue 13's
     * single block; builds since issue 13 only). {@code -Dpaired.old.op=jdkConfinedArena} makes the
     * old side the JDK's {@code Arena.ofConfined()} doing the same, for SafeAlloc against the JDK in
     * the same moments.
     */
    @Param("rAlloc")
    public String op;

    Side oldSide;
    Side newSide;
    boolean oldFirst;

    /** One jar's allocator, the service under test and its own copy of the timed loop. */
    static final class Side {
        final Object allocator;
        final Object service;
        final MethodHandle time;

        Side(String property, String side, int padOwners, String op) throws ReflectiveOperationException, IOException {
            ClassLoader jarLoader = new URLClassLoader(classPathOf(property), ClassLoader.getPlatformClassLoader());
            Class<?> allocators = jarLoader.loadClass("io.safealloc.benchmarks.Allocators");
            var create = allocators.getDeclaredMethod("create", long.class);
            create.setAccessible(true);
            allocator = create.invoke(null, 0L);
            // -Dpaired.old.side / -Dpaired.new.side: another row on that side only (core against bundle)
            service = service(jarLoader, allocator, System.getProperty(property + ".side", side), padOwners);
            // -Dpaired.old.op / -Dpaired.new.op: another operation on that side only (jdkConfinedArena)
            op = System.getProperty(property + ".op", op);
            Class<?> driver = new DriverLoader(jarLoader).loadClass(PairedJarsDriver.class.getName());
            Class<?> serviceType = jarLoader.loadClass("io.safealloc.api.AllocatorService");
            time = MethodHandles.publicLookup()
                    .findStatic(driver, PairedJarsDriver.timer(op),
                            MethodType.methodType(long.class, serviceType, long.class, int.class))
                    .asType(MethodType.methodType(long.class, Object.class, long.class, int.class));
        }

        /**
         * @return the jar named by {@code -Dproperty}, or, without it, this JVM's own class path (both
         *     sides then load this build: an A/A run, which is what the full suite and the smoke test do)
         */
        private static URL[] classPathOf(String property) throws IOException {
            String jar = System.getProperty(property);
            if (jar == null) {
                String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
                URL[] urls = new URL[entries.length];
                for (int i = 0; i < entries.length; i++) {
                    urls[i] = Path.of(entries[i]).toUri().toURL();
                }
                return urls;
            }
            if (!Files.isRegularFile(Path.of(jar))) {
                throw new IllegalArgumentException("-D" + property + " must name a benchmarks.jar, was " + jar);
            }
            return new URL[] {Path.of(jar).toUri().toURL()};
        }

        private static Object service(ClassLoader jarLoader, Object allocator, String side, int padOwners)
                throws ReflectiveOperationException {
            Class<?> type = allocator.getClass();
            Class<?> owner = jarLoader.loadClass("io.safealloc.allocator.core.Owner");
            var open = type.getMethod("open", owner);
            for (int i = 0; i < padOwners; i++) {
                open.invoke(allocator, owner.getConstructor(long.class, String.class).newInstance(100L + i, "pad" + i));
            }
            if (side.equals("bundle")) {
                return open.invoke(allocator, owner.getConstructor(long.class, String.class)
                        .newInstance(42L, "io.example.consumer"));
            }
            if (!side.equals("core")) {
                throw new IllegalArgumentException("side must be core or bundle, was " + side);
            }
            try {
                return type.getMethod("unowned").invoke(allocator);
            } catch (NoSuchMethodException beforeIssue11) {
                return allocator; // the allocator was its own service
            }
        }

        long time() throws Throwable {
            return (long) time.invokeExact(service, SIZE, BATCH);
        }

        void checkNothingHeld() throws ReflectiveOperationException {
            Object stats = allocator.getClass().getMethod("stats").invoke(allocator);
            var bytesInUse = stats.getClass().getMethod("bytesInUse");
            bytesInUse.setAccessible(true);
            long held = (long) bytesInUse.invoke(stats);
            if (held != 0) {
                throw new IllegalStateException("a side leaked " + held + " bytes");
            }
        }
    }

    /** Defines its own copy of {@link PairedJarsDriver}, linked against the jar below it. */
    static final class DriverLoader extends ClassLoader {
        DriverLoader(ClassLoader jarLoader) {
            super(jarLoader);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(PairedJarsDriver.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                String resource = name.replace('.', '/') + ".class";
                try (InputStream in = PairedJars.class.getClassLoader().getResourceAsStream(resource)) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }

    /** The time each side took in the current iteration, in ns. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Nanos {
        public long oldNanos;
        public long newNanos;

        @Setup(Level.Iteration)
        public void reset() {
            oldNanos = 0;
            newNanos = 0;
        }
    }

    /**
     * Which side is built first follows the fork's process id, so that over several forks each jar is
     * loaded, compiled and laid out in the heap first about as often as the other: an A/A run (one jar
     * on both sides) showed up to 1.3 % for whichever side came second.
     */
    @Setup(Level.Trial)
    public void setUp() throws ReflectiveOperationException, IOException {
        if (ProcessHandle.current().pid() % 2 == 0) {
            oldSide = new Side("paired.old", side, padOwners, op);
            newSide = new Side("paired.new", side, padOwners, op);
        } else {
            newSide = new Side("paired.new", side, padOwners, op);
            oldSide = new Side("paired.old", side, padOwners, op);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws ReflectiveOperationException {
        oldSide.checkNothingHeld();
        newSide.checkNothingHeld();
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public void allocFree64(Nanos nanos) throws Throwable {
        oldFirst = !oldFirst; // neither side always runs right after the other
        if (oldFirst) {
            nanos.oldNanos += oldSide.time();
            nanos.newNanos += newSide.time();
        } else {
            nanos.newNanos += newSide.time();
            nanos.oldNanos += oldSide.time();
        }
    }
}
