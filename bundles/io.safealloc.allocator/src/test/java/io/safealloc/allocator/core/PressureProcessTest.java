package io.safealloc.allocator.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.safealloc.allocator.core.pressure.PressureConfig;
import io.safealloc.api.PressureSource;
import io.safealloc.api.Recovery;

/**
 * Real JVMs running out: a forked JVM with a small heap (or small direct memory) fills it at a
 * steady pace; a registered handler must see the pressure before any {@code OutOfMemoryError}, and
 * its ABORT must end the process with the exit code.
 */
class PressureProcessTest {

    @TempDir
    Path workDir;

    /** The forked program: args[0] heap or direct; a handler prints what it saw and decides ABORT. */
    public static final class Filler {
        private static final CountDownLatch SEEN = new CountDownLatch(1);

        public static void main(String[] args) throws Exception {
            PressureSource source = PressureSource.valueOf(args[0].toUpperCase());
            SafeAllocator allocator = SafeAllocator.builder()
                    .config(AllocatorConfig.DEFAULTS.withAbortExitCode(Integer.parseInt(args[1])))
                    .abortAction(AbortAction.exitProcess(10_000)).build();
            allocator.handlers().add(event -> {
                var r = event.pressure().orElseThrow();
                System.out.println("handler saw " + r.source() + " " + r.level() + " at " + Math.round(r.percent()) + " %");
                System.out.flush();
                SEEN.countDown();
                return Recovery.ABORT;
            }, 0);
            allocator.configurePressure(PressureConfig.OFF.withSources(EnumSet.of(source)).withIntervalMillis(20));
            List<Object> held = new ArrayList<>();
            try {
                // A steady leak, 32 KiB a millisecond (32 MB/s: from the high threshold to a full 64 MiB heap
                // takes about 300 ms), until the handler has seen the pressure.
                while (SEEN.getCount() > 0) {
                    held.add(source == PressureSource.HEAP ? new byte[128 << 10] : ByteBuffer.allocateDirect(128 << 10));
                    Thread.sleep(4);
                }
            } catch (OutOfMemoryError e) {
                held.clear();
                System.out.println("OutOfMemoryError before the handler: " + e.getMessage());
                System.exit(1);
            }
            System.out.println("holding " + held.size() + " chunks; waiting for the abort");
            new CountDownLatch(1).await(); // the abort ends the process
        }
    }

    @Test
    void heapPressureReachesTheHandlerBeforeAnyOutOfMemoryErrorAndAbortEndsTheProcess() throws Exception {
        ForkedJvm.Run run = ForkedJvm.run(workDir, List.of("-Xmx64m", "-XX:+UseG1GC"), Filler.class, "heap", "70");
        assertTrue(run.ended(), run.log());
        assertFalse(run.log().contains("OutOfMemoryError"), run.log());
        assertTrue(run.log().contains("handler saw HEAP HIGH at "), run.log());
        assertTrue(run.log().contains("Memory pressure HEAP HIGH: aborting, exit code 70"), run.log());
        assertEquals(70, run.exitValue(), run.log());
    }

    @Test
    void heapPressureWithTheSerialCollectorToo() throws Exception {
        ForkedJvm.Run run = ForkedJvm.run(workDir, List.of("-Xmx48m", "-XX:+UseSerialGC"), Filler.class, "heap", "71");
        assertFalse(run.log().contains("OutOfMemoryError"), run.log());
        assertTrue(run.log().contains("handler saw HEAP HIGH at "), run.log());
        assertEquals(71, run.exitValue(), run.log());
    }

    @Test
    void directBufferPressureReachesTheHandlerBeforeAnyOutOfMemoryError() throws Exception {
        ForkedJvm.Run run = ForkedJvm.run(workDir, List.of("-Xmx128m", "-XX:MaxDirectMemorySize=32m"), Filler.class,
                "direct", "70");
        assertTrue(run.ended(), run.log());
        assertFalse(run.log().contains("OutOfMemoryError"), run.log());
        assertTrue(run.log().contains("handler saw DIRECT HIGH at "), run.log());
        assertEquals(70, run.exitValue(), run.log());
    }
}
