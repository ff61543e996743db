package io.safealloc.itests;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.MemoryAllocationException;

/**
 * One allocating thread of the stress run: allocates (sometimes resizes) and frees random sizes
 * from 1 B to 1 MiB, log-uniformly, holding up to 24 blocks, and touches the first and last byte
 * of each block it gets. One step in 64 is an arena round instead: a confined arena from the
 * service (one in four times a shared one, whose close is a handshake with every thread of the
 * JVM), one to four blocks of such sizes allocated and touched in it, closed (nothing of it is held
 * across steps, so a checkpoint sees none open). A failed allocation is a
 * documented MemoryAllocationException, counted in the ledger; the thread holds on.
 *
 * <p>Confined to its thread, except {@link #heldBytes()}, read by the checker at a checkpoint.
 */
final class AllocatingWorker {

    private static final double LOG_MAX_SIZE = Math.log(1 << 20);
    private static final int MAX_HELD = 24;

    private final AllocatorService allocator;
    private final FailureLedger ledger;
    private final SplittableRandom random;
    private final List<MemorySegment> held = new ArrayList<>();
    private volatile long heldBytes;
    long ops;
    long arenaRounds;
    long arenaBlocks;

    AllocatingWorker(AllocatorService allocator, FailureLedger ledger, long seed) {
        this.allocator = allocator;
        this.ledger = ledger;
        this.random = new SplittableRandom(seed);
    }

    void run(StressRounds rounds, long opsPerRound) throws Exception {
        try {
            do {
                for (long i = 0; i < opsPerRound; i++) {
                    step();
                    ops++;
                }
                heldBytes = held.stream().mapToLong(MemorySegment::byteSize).sum();
                rounds.allocatorDone();
            } while (rounds.checkpoint());
        } finally {
            held.forEach(allocator::rFree);
            held.clear();
            heldBytes = 0;
        }
    }

    private long size() {
        return (long) Math.exp(random.nextDouble() * LOG_MAX_SIZE); // 1 B .. 1 MiB
    }

    private void step() {
        try {
            if (random.nextInt(64) == 0) {
                arenaRound();
            } else if (held.isEmpty() || held.size() < MAX_HELD && random.nextInt(10) < 6) {
                if (!held.isEmpty() && random.nextInt(8) == 0) {
                    int i = random.nextInt(held.size());
                    held.set(i, touch(allocator.rRealloc(held.get(i), size())));
                } else {
                    held.add(touch(allocator.rAlloc(size())));
                }
            } else {
                allocator.rFree(held.remove(random.nextInt(held.size())));
            }
        } catch (MemoryAllocationException e) {
            ledger.caught(e); // documented; a failed resize left the original in place
        }
    }

    private void arenaRound() {
        arenaRounds++;
        try (Arena arena = random.nextInt(4) == 0 ? allocator.sharedArena() : allocator.confinedArena()) {
            for (int blocks = 1 + random.nextInt(4); blocks > 0; blocks--) {
                touch(arena.allocate(size()));
                arenaBlocks++;
            }
        }
    }

    private static MemorySegment touch(MemorySegment s) {
        if (s.byteSize() > 0) {
            s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
            s.set(ValueLayout.JAVA_BYTE, s.byteSize() - 1, (byte) 2);
        }
        return s;
    }

    /** @return bytes this worker held at the end of its last round */
    long heldBytes() {
        return heldBytes;
    }
}
