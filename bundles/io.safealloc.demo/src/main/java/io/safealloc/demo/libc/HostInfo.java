package io.safealloc.demo.libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.safealloc.api.AllocatorService;

/**
 * What the demo says about the machine it runs on, read through the jextract-shaped {@link Libc}
 * bindings with SafeAlloc memory: the struct {@code uname} fills is allocated from a SafeAlloc arena
 * (checked, accounted to this bundle, freed when the arena closes).
 *
 * <p>Stateless and thread-safe (each call opens its own confined arena).
 */
public final class HostInfo {

    private HostInfo() {
    }

    /** @return {@code sysname machine}, e.g. {@code Linux x86_64} */
    public static String describe(AllocatorService mem) {
        try (Arena arena = mem.confinedArena()) {
            MemorySegment uts = Libc.Utsname.allocate(arena);
            if (Libc.uname(uts) != 0) {
                return "unknown host";
            }
            return Libc.Utsname.sysname(uts).getString(0) + " " + Libc.Utsname.machine(uts).getString(0);
        }
    }
}
