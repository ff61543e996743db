package io.safealloc.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link ArrowAllocFree} with 2 thread(s). */
@Threads(2)
public class ArrowAllocFreeT2 extends ArrowAllocFree {
}
