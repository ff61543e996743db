package io.safealloc.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link StructAllocFree} with 2 thread(s). */
@Threads(2)
public class StructAllocFreeT2 extends StructAllocFree {
}
