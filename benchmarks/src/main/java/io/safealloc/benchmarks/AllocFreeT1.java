package io.safealloc.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/** {@link AllocFree} with one thread. */
@Threads(1)
public class AllocFreeT1 extends AllocFree {
}
