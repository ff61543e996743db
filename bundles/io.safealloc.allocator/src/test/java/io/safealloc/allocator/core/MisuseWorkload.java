package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.safealloc.api.AllocatorService;
import io.safealloc.api.Cause;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/**
 * A program (run in a JVM of its own by {@link NoCrashProcessTest}) that throws a random mix of
 * valid calls and every misuse of the bad-input catalogue at the core allocator, with misbehaving
 * handlers installed: first in FAST mode on one thread, then in CHECKED mode on several threads
 * (with use after free and racing double frees, which only CHECKED mode can take from several
 * threads). Every misuse must end in its documented exception; anything else, or accounting that
 * does not return to zero, ends the program with a non-zero code.
 *
 * <p>Left out: two threads adopting the same address at once. The allocator lets exactly one win
 * ({@link CoreBugRegressionTest}), but a workload cannot make it safe: the loser may try after the
 * winner has freed the block, and adopting freed memory is a caller's error no allocator can see.
 *
 * <p>Usage: {@code MisuseWorkload seed callsPerThread threads}. Exit codes: 0 clean, 3 an
 * undocumented exception, 4 accounting not back to zero.
 */
public final class MisuseWorkload {

    private static final int LIMIT = 4 << 20;

    private final SafeAllocator allocator;
    private final Safety safety;
    private final SafeAllocator other = SafeAllocator.builder().silent().build();
    private final MemorySegment foreign = other.unowned().rAlloc(64);
    private final Queue<Throwable> undocumented = new ConcurrentLinkedQueue<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong allocationFailures = new AtomicLong();
    /** A segment handed from one thread to another, for racing double frees. */
    private final AtomicReference<MemorySegment> shared = new AtomicReference<>();

    private MisuseWorkload(Safety safety) {
        this.safety = safety;
        // Silent: the throwing handler is logged at every event; keep the output (and the heap) small.
        allocator = SafeAllocator.builder().silent()
                .config(AllocatorConfig.DEFAULTS.withLimit(LIMIT).withDefaultRecovery(Recovery.FAIL).withSafety(safety))
                .abortAction((e, code) -> undocumented.add(new AssertionError("ABORT decided: " + e)))
                .build();
        installMisbehavingHandlers();
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int callsPerThread = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int status = 0;
        for (Safety safety : Safety.values()) {
            MisuseWorkload workload = new MisuseWorkload(safety);
            int n = safety == Safety.FAST ? 1 : threads; // FAST cannot take stale frees from several threads
            status = Math.max(status, workload.run(seed, callsPerThread, n));
        }
        System.out.println("misuse workload exit status " + status);
        System.exit(status);
    }

    private int run(long seed, int callsPerThread, int threads) throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(seed + t);
            OwnerView view = allocator.open(new Owner(t, "worker" + t));
            workers.add(Thread.ofPlatform().name(safety + "-" + t).start(() -> {
                try {
                    new Worker(view, random).run(callsPerThread);
                } catch (Throwable e) {
                    undocumented.add(e);
                } finally {
                    view.release(); // what it still holds is released as a leak
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        MemorySegment last = shared.getAndSet(null);
        if (last != null && allocatorHolds(last.address())) {
            allocator.unowned().rFree(last); // left in the slot, and its owner's release did not take it
        }
        other.unowned().rFree(foreign);
        long bytes = allocator.stats().bytesInUse();
        long live = allocator.stats().liveAllocations();
        System.out.printf("%s: %d calls, %d misuses rejected as documented, %d allocation failures; "
                + "bytes in use %d, live allocations %d, undocumented exceptions %d%n",
                safety, calls.get(), rejected.get(), allocationFailures.get(), bytes, live, undocumented.size());
        if (!undocumented.isEmpty()) {
            undocumented.forEach(Throwable::printStackTrace);
            return 3;
        }
        return bytes == 0 && live == 0 ? 0 : 4;
    }

    /** Handlers that throw, return null, retry forever, allocate re-entrantly, and unregister themselves. */
    private void installMisbehavingHandlers() {
        HandlerChain chain = allocator.handlers();
        chain.add(e -> {
            throw new IllegalStateException("a handler bug");
        }, 50);
        chain.add(e -> {
            throw new OutOfMemoryError("a handler that ran out of heap"); // an Error counts as DEFER too
        }, 45);
        chain.add(e -> null, 40);
        chain.add(e -> {
            try {
                allocator.unowned().rFree(allocator.unowned().rAlloc(e.size())); // re-entrant; fails plainly if it does not fit
            } catch (MemoryAllocationException expected) {
                // the inner failure did not go through the handlers again
            }
            return Recovery.DEFER;
        }, 30);
        new SelfReplacingHandler(chain).register();
        chain.add(e -> e.cause() == Cause.WARNING ? Recovery.DEFER : Recovery.RETRY, 10); // retries "forever"
    }

    private boolean allocatorHolds(long address) {
        boolean[] found = {false};
        LiveAllocations.forEach(allocator, (a, size, owner) -> found[0] |= a == address);
        return found[0];
    }

    /** A handler that, while deciding, unregisters itself and registers a fresh copy of itself. */
    private static final class SelfReplacingHandler implements io.safealloc.api.MemHandler {
        private final HandlerChain chain;
        private final java.util.concurrent.atomic.AtomicBoolean replaced = new java.util.concurrent.atomic.AtomicBoolean();
        private HandlerChain.Registration registration;

        SelfReplacingHandler(HandlerChain chain) {
            this.chain = chain;
        }

        synchronized void register() {
            registration = chain.add(this, 20);
        }

        @Override
        public Recovery handle(io.safealloc.api.MemEvent event) {
            if (replaced.compareAndSet(false, true)) {
                synchronized (this) {
                    registration.unregister();
                }
                new SelfReplacingHandler(chain).register();
            }
            return Recovery.DEFER;
        }
    }

    /** One thread's calls: mostly valid, one in four a misuse. */
    private final class Worker {
        private final AllocatorService view;
        private final SplittableRandom random;
        private final List<MemorySegment> held = new ArrayList<>();
        private final List<MemorySegment> freed = new ArrayList<>();

        Worker(AllocatorService view, SplittableRandom random) {
            this.view = view;
            this.random = random;
        }

        void run(int n) {
            for (int i = 0; i < n; i++) {
                calls.incrementAndGet();
                try {
                    if (random.nextInt(4) == 0) {
                        misuse();
                    } else {
                        valid();
                    }
                } catch (MemoryAllocationException e) {
                    allocationFailures.incrementAndGet(); // documented: the handlers decided FAIL
                }
            }
            held.forEach(view::rFree);
            held.clear();
        }

        private long size() {
            return random.nextInt(8) == 0 ? random.nextLong(16_384, 256 * 1024) : random.nextLong(0, 2048);
        }

        private void valid() {
            if (held.size() > 64) {
                free(held.remove(random.nextInt(held.size())));
                return;
            }
            switch (random.nextInt(held.isEmpty() ? 3 : 7)) {
                case 0 -> held.add(view.rAlloc(size()));
                case 1 -> held.add(view.rAllocType(MemoryLayout.paddingLayout(1 + size())
                        .withByteAlignment(1L << random.nextInt(0, 13))));
                case 2 -> {
                    long raw = LibcBackend.INSTANCE.malloc(64);
                    try {
                        held.add(view.adopt(MemorySegment.ofAddress(raw), 64));
                    } catch (RuntimeException e) {
                        LibcBackend.INSTANCE.free(raw, 64);
                        throw e;
                    }
                }
                case 3 -> {
                    int i = random.nextInt(held.size());
                    MemorySegment resized = view.rRealloc(held.get(i), size());
                    freed.add(held.set(i, resized));
                }
                case 4 -> held.add(view.rMemdup(held.get(random.nextInt(held.size()))));
                case 5 -> {
                    MemorySegment s = held.get(random.nextInt(held.size()));
                    if (s.byteSize() > 0) {
                        s.set(JAVA_BYTE, s.byteSize() - 1, (byte) 1);
                    }
                }
                default -> free(held.remove(random.nextInt(held.size())));
            }
        }

        private void free(MemorySegment s) {
            view.rFree(s);
            freed.add(s);
            if (freed.size() > 256) {
                freed.remove(0);
            }
        }

        private void misuse() {
            MemorySegment any = held.isEmpty() ? null : held.get(random.nextInt(held.size()));
            switch (random.nextInt(16)) {
                case 0 -> expect(IllegalArgumentException.class, () -> view.rAlloc(-random.nextLong(1, Long.MAX_VALUE)));
                case 1 -> expect(MemoryAllocationException.class, () -> view.rAlloc(Long.MAX_VALUE - random.nextInt(64)));
                case 2 -> expect(MemoryAllocationException.class, () -> view.rAllocType(
                        MemoryLayout.paddingLayout(Long.MAX_VALUE - 100).withByteAlignment(1024)));
                case 3 -> expect(MemoryAllocationException.class, () -> view.rAllocType(
                        MemoryLayout.paddingLayout(8).withByteAlignment(1L << random.nextInt(23, 63))));
                case 4 -> expect(IllegalArgumentException.class, () -> view.rFree(foreign));
                case 5 -> expect(IllegalArgumentException.class, () -> view.rFree(MemorySegment.ofArray(new byte[8])));
                case 6 -> {
                    if (any != null && any.byteSize() > 1) {
                        long offset = random.nextLong(1, any.byteSize());
                        expect(IllegalArgumentException.class, () -> view.rFree(any.asSlice(offset)));
                    }
                }
                case 7 -> staleCall(false);
                case 8 -> staleCall(true);
                case 9 -> {
                    if (any != null) {
                        expect(IllegalArgumentException.class, () -> view.adopt(MemorySegment.ofAddress(any.address()), 8));
                    }
                }
                case 10 -> expect(IllegalArgumentException.class,
                        () -> view.adopt(MemorySegment.ofAddress(random.nextLong(1, 1 << 20) * 8 + 3), 8));
                case 11 -> {
                    if (random.nextBoolean()) {
                        expect(NullPointerException.class, () -> view.rMemdup(null));
                    } else { // a source that cannot be read: nothing may be left allocated
                        java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined();
                        MemorySegment gone = arena.allocate(random.nextLong(1, 256));
                        arena.close();
                        // (over budget, the allocation fails first: documented too)
                        expect(IllegalStateException.class, () -> view.rMemdup(gone), MemoryAllocationException.class);
                    }
                }
                case 12 -> expect(IllegalArgumentException.class, () -> allocator.configure(
                        allocator.config().withWarnPercent(random.nextBoolean() ? 0 : 101)));
                case 13 -> allocator.configure(allocator.config().withLimit(random.nextBoolean() ? LIMIT : LIMIT / 4));
                case 14 -> {
                    if (safety == Safety.CHECKED && !freed.isEmpty()) { // use after free: only CHECKED can refuse it
                        MemorySegment stale = freed.get(random.nextInt(freed.size()));
                        if (stale.byteSize() > 0) {
                            expect(IllegalStateException.class, () -> stale.get(JAVA_BYTE, 0));
                            expect(IllegalStateException.class, () -> view.rMemdup(stale), MemoryAllocationException.class);
                        }
                    }
                }
                default -> doubleFree();
            }
        }

        /** rFree or rRealloc of a freed segment; FAST only when no live block has its address again. */
        private void staleCall(boolean realloc) {
            if (freed.isEmpty()) {
                return;
            }
            MemorySegment stale = freed.get(random.nextInt(freed.size()));
            boolean reused = allocatorHolds(stale.address());
            if (safety == Safety.FAST && reused) {
                return; // FAST cannot tell a stale segment from the new owner of its address: by design
            }
            expect(IllegalArgumentException.class, realloc ? () -> view.rRealloc(stale, 8) : () -> view.rFree(stale));
        }

        /**
         * A second rFree. CHECKED, several threads: a segment is left for another thread and both may
         * free it: exactly one of the two frees succeeds. FAST (one thread): a plain second rFree, as
         * long as malloc has not handed the address out again.
         */
        private void doubleFree() {
            MemorySegment mine = view.rAlloc(random.nextLong(1, 512));
            if (safety == Safety.FAST) {
                view.rFree(mine);
                if (!allocatorHolds(mine.address())) {
                    expect(IllegalArgumentException.class, () -> view.rFree(mine));
                }
                return;
            }
            MemorySegment theirs = shared.getAndSet(mine);
            if (theirs != null) {
                freeRacing(theirs);
            }
            if (random.nextBoolean()) {
                freeRacing(mine); // another thread may be freeing it at this very moment
            }
        }

        private void freeRacing(MemorySegment s) {
            try {
                view.rFree(s);
            } catch (IllegalArgumentException lostTheRace) {
                rejected.incrementAndGet(); // freed by the other thread first, or released with its owner
            }
        }

        @SafeVarargs
        private void expect(Class<? extends Throwable> documented, Runnable misuse,
                Class<? extends Throwable>... alsoDocumented) {
            try {
                misuse.run();
                undocumented.add(new AssertionError("no " + documented.getSimpleName() + " from a misuse"));
            } catch (Throwable t) {
                boolean expected = documented.isInstance(t);
                for (Class<? extends Throwable> other : alsoDocumented) {
                    expected |= other.isInstance(t);
                }
                if (expected) {
                    rejected.incrementAndGet();
                } else {
                    undocumented.add(t);
                }
            }
        }
    }
}
