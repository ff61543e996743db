package io.safealloc.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link StructAllocFree} with 1 thread(s). */
@Threads(1)
public class StructAllocFreeT1 extends StructAllocFree {
}
