package io.safealloc.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link ArrowAllocFree} with 1 thread(s). */
@Threads(1)
public class ArrowAllocFreeT1 extends ArrowAllocFree {
}
