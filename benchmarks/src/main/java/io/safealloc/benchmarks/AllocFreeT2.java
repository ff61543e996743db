package io.safealloc.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link AllocFree} with two threads sharing the allocators. */
@Threads(2)
public class AllocFreeT2 extends AllocFree {
}
