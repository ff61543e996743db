package io.safealloc.allocator.core;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import io.safealloc.api.Budget;
import io.safealloc.api.BundleStats;
import io.safealloc.api.Cause;
import io.safealloc.api.Holding;
import io.safealloc.api.MemEvent;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.Recovery;

/** The service as a SegmentAllocator, and its confined and shared arenas. */
class ArenaTest {

    private final RecordingLogger log = new RecordingLogger();
    private final List<Leaks> released = new ArrayList<>();
    private SafeAllocator allocator;
    private OwnerView view;

    @BeforeEach
    void setUp() {
        allocator = allocator(Safety.FAST);
        view = allocator.open(new Owner(7, "tb"));
    }

    private SafeAllocator allocator(Safety safety) {
        SafeAllocator a = SafeAllocator.builder().logger(log)
                .config(AllocatorConfig.DEFAULTS.withDefaultRecovery(Recovery.FAIL).withSafety(safety))
                .abortAction((e, code) -> { throw new AssertionError("no abort expected"); })
                .build();
        a.addObserver(new AllocatorObserver() {
            @Override
            public void released(Leaks leaks) {
                released.add(leaks);
            }
        });
        return a;
    }

    @AfterEach
    void tearDown() {
        view.close();
    }

    private BundleStats tb() {
        return allocator.stats().bundles().stream().filter(b -> b.bundleName().equals("tb")).findFirst().orElseThrow();
    }

    @Test
    void theServiceIsASegmentAllocatorFreedWithRFree() {
        MemorySegment text = view.allocateFrom("hello");
        assertEquals("hello", text.getString(0));
        assertEquals(6, tb().bytesInUse());
        MemorySegment longs = view.allocate(JAVA_LONG, 4);
        assertEquals(32, longs.byteSize());
        assertEquals(38, tb().bytesInUse());
        view.rFree(text);
        view.rFree(longs);
        assertEquals(0, tb().bytesInUse());
        assertEquals(tb().allocations(), tb().frees());
    }

    @Test
    void aLargeAlignmentIsHonouredAndAccountedPadded() {
        MemorySegment page = view.allocate(100, 4096);
        assertEquals(0, page.address() % 4096);
        assertEquals(100, page.byteSize());
        assertEquals(0, page.get(JAVA_LONG, 0)); // over-aligned blocks are zeroed
        assertEquals(4096, tb().bytesInUse());
        view.rFree(page);
        assertEquals(0, tb().bytesInUse());
    }

    @Test
    void badRequestsAreRejectedBeforeAnything() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> view.allocate(-1, 8));
        assertEquals("allocate: size must be >= 0, was -1", size.getMessage());
        IllegalArgumentException alignment = assertThrows(IllegalArgumentException.class, () -> view.allocate(8, 3));
        assertEquals("allocate: alignment must be a power of two, was 3", alignment.getMessage());
        try (Arena arena = view.confinedArena()) {
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(8, 0));
            assertThrows(IllegalArgumentException.class, () -> arena.allocate(-8, 8));
        }
        assertEquals(0, tb().allocations());
    }

    @ParameterizedTest
    @EnumSource(Safety.class)
    void closingAConfinedArenaFreesEverythingAndInvalidatesEverySegment(Safety safety) {
        SafeAllocator a = allocator(safety);
        OwnerView v = a.open(new Owner(8, "modes"));
        Arena arena = v.confinedArena();
        MemorySegment ints = arena.allocate(JAVA_INT, 16);
        MemorySegment slice = ints.asSlice(8, 8);
        MemorySegment text = arena.allocateFrom("x".repeat(99));
        assertEquals(0, ints.get(JAVA_INT, 60)); // zero-initialised, as the JDK's arenas
        assertEquals(164, a.stats().bytesInUse());
        assertEquals(2, a.stats().liveAllocations());
        assertSame(arena.scope(), ints.scope());
        arena.close();
        assertEquals(0, a.stats().bytesInUse());
        assertEquals(0, a.stats().liveAllocations());
        assertFalse(ints.scope().isAlive());
        assertThrows(IllegalStateException.class, () -> ints.get(JAVA_INT, 0));
        assertThrows(IllegalStateException.class, () -> slice.get(JAVA_INT, 0));
        assertThrows(IllegalStateException.class, () -> text.getString(0));
        v.close();
    }

    @Test
    void anArenaSegmentIsNotRFreedNorResized() {
        try (Arena arena = view.sharedArena()) {
            MemorySegment s = arena.allocate(64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> view.rFree(s));
            assertEquals(String.format("rFree: the segment at 0x%x belongs to a SafeAlloc arena, which owns it: it is "
                    + "freed when the arena closes; nothing was changed", s.address()), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> view.rRealloc(s, 128));
            assertEquals(64, tb().bytesInUse());
            s.set(JAVA_LONG, 0, 42); // still valid: nothing was freed
        }
        assertEquals(0, tb().bytesInUse());
    }

    @Test
    void closeTwiceAllocateAfterCloseAndCloseFromAnotherThreadAreRejected() throws Exception {
        Arena confined = view.confinedArena();
        confined.allocate(32);
        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                confined.close();
            } catch (Throwable t) {
                fromOther.set(t);
            }
        });
        other.start();
        other.join();
        assertTrue(fromOther.get() instanceof WrongThreadException, String.valueOf(fromOther.get()));
        assertEquals("close: this SafeAlloc arena is confined to thread " + Thread.currentThread().getName()
                + "; nothing was freed", fromOther.get().getMessage());
        assertEquals(32, tb().bytesInUse()); // nothing freed by the refused close
        confined.close();
        IllegalStateException twice = assertThrows(IllegalStateException.class, confined::close);
        assertEquals("close: this SafeAlloc arena is already closed", twice.getMessage());
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> confined.allocate(8));
        assertEquals("allocate: this SafeAlloc arena is already closed", late.getMessage());

        Arena shared = view.sharedArena();
        shared.allocate(16);
        shared.close();
        assertThrows(IllegalStateException.class, shared::close);
        assertThrows(IllegalStateException.class, () -> shared.allocate(8));
        assertEquals(0, tb().bytesInUse());
        assertEquals(tb().allocations(), tb().frees());
    }

    @Test
    void theMessagesOfTheCatalogue() throws Exception {
        Arena confined = view.confinedArena();
        MemorySegment s = confined.allocate(16);
        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        Thread other = Thread.ofPlatform().name("other").start(() -> {
            try {
                confined.allocate(8);
            } catch (Throwable t) {
                fromOther.set(t);
            }
        });
        other.join();
        assertTrue(fromOther.get() instanceof WrongThreadException, String.valueOf(fromOther.get()));
        assertEquals("allocate: this SafeAlloc arena is confined to thread " + Thread.currentThread().getName()
                + " (use a shared arena to allocate from several threads)", fromOther.get().getMessage());
        confined.close();
        IllegalStateException access = assertThrows(IllegalStateException.class, () -> s.get(JAVA_INT, 0));
        assertEquals("Already closed", access.getMessage()); // the JDK's own scope check
        IllegalArgumentException free = assertThrows(IllegalArgumentException.class, () -> view.rFree(s));
        assertEquals(String.format("rFree: the segment at 0x%x belongs to an Arena that is closed, not to this allocator "
                + "(the arena freed it when it closed); nothing was changed", s.address()), free.getMessage());
        assertEquals(0, tb().bytesInUse());
        assertEquals("the allocator view of tb [7] is closed (the bundle released the service); nothing was allocated",
                assertThrows(IllegalStateException.class, () -> {
                    OwnerView gone = allocator.open(new Owner(7, "tb"));
                    gone.close();
                    gone.confinedArena();
                }).getMessage());
    }

    @Test
    void aSharedArenaTakesAllocationsFromManyThreadsAndOneClose() throws Exception {
        Arena shared = view.sharedArena();
        int threads = 4;
        int each = 500;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    shared.allocate(24).set(JAVA_LONG, 0, i);
                }
                done.countDown();
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(threads * each * 24L, tb().bytesInUse());
        assertEquals(threads * each, tb().liveAllocations());
        Holding h = view.holdings().getFirst();
        assertEquals(1, h.openArenas());
        assertEquals(threads * each * 24L, h.arenaBytes());
        assertEquals(threads * each, h.count()); // the arena's blocks are live allocations
        assertEquals(threads * each * 24L, h.bytes());
        assertEquals(24, h.largest());
        shared.close();
        assertEquals(0, tb().bytesInUse());
        assertEquals(tb().allocations(), tb().frees());
        assertTrue(view.holdings().isEmpty());
    }

    @Test
    void theQuotaAndTheHandlersApplyToEveryArenaAllocation() {
        allocator.setQuota("tb", 1000);
        List<MemEvent> asked = new ArrayList<>();
        allocator.setMemHandler(event -> {
            asked.add(event);
            return Recovery.DEFER;
        });
        try (Arena arena = view.confinedArena()) {
            arena.allocate(600);
            MemoryAllocationException e = assertThrows(MemoryAllocationException.class, () -> arena.allocate(600));
            assertEquals(Cause.LIMIT, e.event().cause());
            assertEquals(Budget.BUNDLE, e.event().budget());
            assertEquals(1, asked.size());
            assertEquals(600, asked.getFirst().size());
            assertEquals(600, tb().bytesInUse()); // the refused block booked nothing
            arena.allocate(400); // exactly up to the quota
            assertEquals(1000, tb().bytesInUse());
        }
        assertEquals(0, tb().bytesInUse());
    }

    @Test
    void aRetryDecisionLetsTheArenaAllocationSucceed() {
        allocator.setQuota("tb", 100);
        Arena[] arena = {view.confinedArena()};
        MemorySegment first = arena[0].allocate(80);
        allocator.setMemHandler(event -> {
            allocator.setQuota("tb", 1000); // what a handler that frees or raises a limit achieves
            return Recovery.RETRY;
        });
        MemorySegment second = arena[0].allocate(80);
        assertEquals(160, tb().bytesInUse());
        assertTrue(first.scope().isAlive() && second.scope().isAlive());
        arena[0].close();
        assertEquals(0, tb().bytesInUse());
    }

    @Test
    void anOwnerClosingWithOpenArenasClosesThemAndReportsThemAsLeaks() throws Exception {
        OwnerView stopping = allocator.open(new Owner(9, "stopping"));
        Arena shared = stopping.sharedArena();
        MemorySegment s = shared.allocate(100);
        stopping.rAlloc(10);
        // A confined arena whose thread has ended: freed at once.
        AtomicReference<MemorySegment> fromEnded = new AtomicReference<>();
        Thread ended = Thread.ofPlatform().start(() -> fromEnded.set(stopping.confinedArena().allocate(50)));
        ended.join();
        List<Holding> held = allocator.holdings().stream().filter(h -> h.bundleName().equals("stopping")).toList();
        assertEquals(2, held.getFirst().openArenas());
        assertEquals(150, held.getFirst().arenaBytes());
        assertEquals(3, held.getFirst().count());
        assertEquals(160, held.getFirst().bytes());

        Leaks leaks = stopping.release();
        assertEquals(3, leaks.count());
        assertEquals(160, leaks.bytes());
        assertEquals(2, leaks.arenas());
        assertEquals(150, leaks.arenaBytes());
        assertEquals(List.of(leaks), released);
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> shared.allocate(8));
        assertEquals("this SafeAlloc arena was closed because " + stopping.owner() + " stopped; its memory is freed",
                late.getMessage());
        shared.close(); // closed by the stop already: a try-with-resources still gets through
        assertEquals(0, allocator.stats().bytesInUse() - tb().bytesInUse());
        assertTrue(log.contains("2 open arenas (150 bytes)"), log.lines.toString());
    }

    @Test
    void aConfinedArenaWhoseThreadRunsOnIsFreedAtItsNextUse() throws Exception {
        OwnerView stopping = allocator.open(new Owner(10, "running"));
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<Throwable> afterStop = new AtomicReference<>();
        AtomicReference<Boolean> stillValid = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().start(() -> {
            Arena arena = stopping.confinedArena();
            MemorySegment s = arena.allocate(70);
            opened.countDown();
            try {
                stopped.await();
                s.set(JAVA_LONG, 0, 1); // the release could not free it under this running thread
                stillValid.set(true);
                arena.allocate(8);
            } catch (Throwable t) {
                afterStop.set(t);
            }
            arena.close(); // closed because the owner stopped: nothing to do, no exception
            try {
                s.get(JAVA_LONG, 0);
            } catch (IllegalStateException closed) {
                stillValid.set(false);
            }
        });
        assertTrue(opened.await(10, TimeUnit.SECONDS));
        Leaks leaks = stopping.release();
        assertEquals(1, leaks.arenas());
        assertEquals(70, leaks.arenaBytes());
        assertEquals(70, allocator.stats().bytesInUse()); // still held: freed by the thread's next use
        stopped.countDown();
        worker.join();
        assertTrue(afterStop.get() instanceof IllegalStateException, String.valueOf(afterStop.get()));
        assertEquals("this SafeAlloc arena was closed because " + stopping.owner() + " stopped; its memory is freed",
                afterStop.get().getMessage());
        assertEquals(false, stillValid.get());
        assertEquals(0, allocator.stats().bytesInUse());
    }

    @Test
    void aSharedArenaOfAThreadThatEndedIsStillFoundWhenItsLedgerFolded() throws Exception {
        OwnerView stopping = allocator.open(new Owner(14, "folding"));
        AtomicReference<Arena> opened = new AtomicReference<>();
        Thread opener = Thread.ofPlatform().start(() -> opened.set(stopping.sharedArena()));
        opener.join();
        stopping.account().foldEndedThreads(); // the opener's ledger, and with it its list of arenas, folds
        MemorySegment s = opened.get().allocate(30); // still used by this thread

        List<Holding> held = allocator.holdings().stream().filter(h -> h.bundleName().equals("folding")).toList();
        assertEquals(1, held.getFirst().openArenas());
        assertEquals(30, held.getFirst().arenaBytes());
        Leaks leaks = stopping.release();
        assertEquals(1, leaks.arenas());
        assertEquals(30, leaks.arenaBytes());
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        assertEquals(0, allocator.stats().bytesInUse() - tb().bytesInUse());
    }

    /**
     * A native call holds a shared arena's segment while the bundle stops, so the stop cannot close
     * the arena: it is revoked instead, as a confined arena of a running thread is. It takes no
     * allocation any more, its segments stay valid until then, and its close (once the call returned)
     * frees it.
     */
    @Test
    void aSharedArenaANativeCallHoldsWhenItsBundleStopsIsRevokedAndFreedByItsClose() throws Exception {
        OwnerView stopping = allocator.open(new Owner(16, "held"));
        Arena arena = stopping.sharedArena();
        MemorySegment ints = arena.allocate(JAVA_INT, 2);
        ints.setAtIndex(JAVA_INT, 0, 2);
        ints.setAtIndex(JAVA_INT, 1, 1);
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread caller = startSortWaiting(ints, inCall, stopped, failed); // qsort holds the segment's arena meanwhile
        assertTrue(inCall.await(10, TimeUnit.SECONDS));

        Leaks leaks = stopping.release();
        assertEquals(1, leaks.arenas());
        assertEquals(8, leaks.arenaBytes());
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> arena.allocate(8));
        assertEquals("this SafeAlloc arena was closed because " + stopping.owner() + " stopped; its memory is freed",
                late.getMessage());
        assertEquals(8, allocator.stats().bytesInUse() - tb().bytesInUse()); // held until the close

        stopped.countDown();
        caller.join();
        assertEquals(null, failed.get());
        assertEquals(1, ints.getAtIndex(JAVA_INT, 0)); // sorted: the call ran on valid memory
        arena.close();
        assertEquals(0, allocator.stats().bytesInUse() - tb().bytesInUse());
        assertThrows(IllegalStateException.class, () -> ints.get(JAVA_INT, 0));
        arena.close(); // closed: a try-with-resources still gets through
    }

    /**
     * An arena its bundle's stop revoked (a confined one of a running thread, a shared one a native
     * call held) and that its user then drops without a close: the cleaner frees its blocks once its
     * scope, and so every segment of it, is unreachable.
     */
    @Test
    void aRevokedArenaThatIsDroppedIsFreedOnceUnreachable() throws Exception {
        OwnerView stopping = allocator.open(new Owner(17, "dropping"));
        CountDownLatch opened = new CountDownLatch(2);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread confinedUser = Thread.ofPlatform().start(() -> {
            try {
                stopping.confinedArena().allocate(40).fill((byte) 4); // arena and segment dropped at once
                opened.countDown();
                stopped.await(); // still running when the bundle stops: revoked, not freed
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        Thread nativeCaller = sortInASharedArenaNobodyCloses(stopping, opened, stopped, failed);
        assertTrue(opened.await(10, TimeUnit.SECONDS));
        Leaks leaks = stopping.release();
        assertEquals(2, leaks.arenas());
        assertEquals(48, leaks.arenaBytes());
        assertEquals(48, allocator.stats().bytesInUse() - tb().bytesInUse());
        stopped.countDown();
        confinedUser.join();
        nativeCaller.join();
        nativeCaller = null; // the last that could reach the shared arena
        assertEquals(null, failed.get());

        awaitTheCleaner("an arena left open by a stopped bundle was dropped: 1 blocks (40 bytes) freed",
                "an arena left open by a stopped bundle was dropped: 1 blocks (8 bytes) freed");
    }

    /**
     * The bundle stops while its thread is inside a native call that holds one of the thread's own
     * confined arenas (the stop runs in the call's upcall, on that thread): the arena cannot close
     * there, so it is revoked, and once its thread drops it the cleaner frees it. Its block is the
     * thread's spare chunk, which the cleaner must not hand to libc's free (it would abort).
     */
    @Test
    void aConfinedArenaANativeCallOnItsOwnThreadHoldsWhenItsBundleStopsIsFreedOnceDropped() throws Exception {
        OwnerView stopping = allocator.open(new Owner(18, "upcall"));
        AtomicReference<Leaks> leaks = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread user = Thread.ofPlatform().start(() -> {
            try {
                stopping.confinedArena().close(); // asks for the thread's spare: the next arena takes it
                sortStoppingTheBundleInTheComparator(stopping, leaks, failed);
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        user.join();
        assertEquals(null, failed.get());
        assertEquals(1, leaks.get().arenas());
        assertEquals(8, leaks.get().arenaBytes());
        user = null; // the arena and its segment were dropped with the thread's frames

        awaitTheCleaner("an arena left open by a stopped bundle was dropped: 1 blocks (8 bytes) freed");
    }

    /** Sorts two ints of a new confined arena with {@code qsort}, whose comparator stops the bundle; then drops the arena. */
    private static void sortStoppingTheBundleInTheComparator(OwnerView view, AtomicReference<Leaks> leaks,
            AtomicReference<Throwable> failed) throws Throwable {
        Arena arena = view.confinedArena();
        MemorySegment ints = arena.allocate(JAVA_INT, 2);
        ints.setAtIndex(JAVA_INT, 0, 2);
        ints.setAtIndex(JAVA_INT, 1, 1);
        sortTwoInts(ints, MethodHandles.insertArguments(MethodHandles.lookup().findStatic(ArenaTest.class,
                "compareStopping", MethodType.methodType(int.class, OwnerView.class, AtomicReference.class,
                        AtomicReference.class, MemorySegment.class, MemorySegment.class)), 0, view, leaks, failed));
        assertEquals(1, ints.getAtIndex(JAVA_INT, 0)); // sorted: the call ran on valid memory
    }

    private static int compareStopping(OwnerView view, AtomicReference<Leaks> leaks, AtomicReference<Throwable> failed,
            MemorySegment a, MemorySegment b) {
        try { // nothing may escape an upcall: the JVM would exit
            if (leaks.get() == null) {
                leaks.set(view.release());
            }
        } catch (Throwable t) {
            failed.set(t);
        }
        return Integer.compare(a.get(JAVA_INT, 0), b.get(JAVA_INT, 0));
    }

    /**
     * Collects garbage until the cleaner freed what the owners but {@code tb} held and logged each of
     * {@code lines} (it logs after it credits the books); fails if it does not.
     */
    private void awaitTheCleaner(String... lines) {
        for (int i = 0; i < 200 && !(cleanedUp() && Arrays.stream(lines).allMatch(log::contains)); i++) {
            SpareChunkTest.collectGarbage(); // the cleaner runs on its own thread after a collection
            Thread.yield();
        }
        assertEquals(0, allocator.stats().bytesInUse() - tb().bytesInUse());
        for (String line : lines) {
            assertTrue(log.contains(line), log.lines.toString());
        }
    }

    private boolean cleanedUp() {
        return allocator.stats().bytesInUse() - tb().bytesInUse() == 0;
    }

    /** A shared arena whose only segment a native call on a new thread holds until {@code stopped}; then dropped. */
    private static Thread sortInASharedArenaNobodyCloses(OwnerView view, CountDownLatch inCall, CountDownLatch stopped,
            AtomicReference<Throwable> failed) {
        return startSortWaiting(view.sharedArena().allocate(JAVA_INT, 2), inCall, stopped, failed);
    }

    /**
     * Starts a thread that sorts the two ints with libc's {@code qsort}, whose comparator (an
     * upcall) counts {@code inCall} down and waits for {@code stopped}: meanwhile the native call
     * holds the segment's arena. What the thread throws goes to {@code failed}.
     */
    private static Thread startSortWaiting(MemorySegment ints, CountDownLatch inCall, CountDownLatch stopped,
            AtomicReference<Throwable> failed) {
        return Thread.ofPlatform().start(() -> {
            try {
                sortTwoInts(ints, MethodHandles.insertArguments(MethodHandles.lookup().findStatic(ArenaTest.class,
                        "compareWaiting", MethodType.methodType(int.class, CountDownLatch.class, CountDownLatch.class,
                                MemorySegment.class, MemorySegment.class)), 0, inCall, stopped));
            } catch (Throwable t) {
                failed.set(t);
            }
        });
    }

    /** Sorts the two ints with libc's {@code qsort}; {@code compare}, {@code int(MemorySegment, MemorySegment)}, is its comparator (an upcall). */
    private static void sortTwoInts(MemorySegment ints, MethodHandle compare) throws Throwable {
        try (Arena upcalls = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
            AddressLayout intPointer = ADDRESS.withTargetLayout(JAVA_INT);
            MemorySegment comparator = linker.upcallStub(compare,
                    FunctionDescriptor.of(JAVA_INT, intPointer, intPointer), upcalls);
            qsort.invokeExact(ints, 2L, 4L, comparator);
        }
    }

    private static int compareWaiting(CountDownLatch inCall, CountDownLatch stopped, MemorySegment a, MemorySegment b)
            throws InterruptedException {
        inCall.countDown();
        stopped.await();
        return Integer.compare(a.get(JAVA_INT, 0), b.get(JAVA_INT, 0));
    }

    /**
     * A thread keeps its ledgers in a thread-local map, whose entry is dropped only once the
     * allocator (the entry's key) is unreachable: if the ledger still reached its arenas' lists, the
     * thread would keep a dropped allocator for its whole life. So the stop forgets the arenas.
     */
    @Test
    void aStoppedBundlesArenasDoNotKeepTheAllocatorReachableFromItsThreads() throws Exception {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            WeakReference<SafeAllocator> dropped = useArenasStopAndDrop();
            SpareChunkTest.dropStaleThreadLocals(); // the thread-local entry's key goes, if nothing else holds it
            outcome.set(dropped.get() == null ? "collected" : "still reachable");
        });
        thread.join();
        assertEquals("collected", outcome.get());
    }

    /**
     * The same without a stop: a thread that opened and closed arenas, one inside another, does not
     * keep an allocator that was dropped (its list must not keep the closed arenas).
     */
    @Test
    void closedArenasDoNotKeepADroppedAllocatorReachableFromTheirThread() throws Exception {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            WeakReference<SafeAllocator> dropped = useArenasAndDrop();
            SpareChunkTest.dropStaleThreadLocals();
            outcome.set(dropped.get() == null ? "collected" : "still reachable");
        });
        thread.join();
        assertEquals("collected", outcome.get());
    }

    private static WeakReference<SafeAllocator> useArenasAndDrop() {
        SafeAllocator a = SafeAllocator.builder().silent().build();
        OwnerView v = a.open(new Owner(19, "dropped unreleased"));
        for (int i = 0; i < 3; i++) { // the second and third take the thread's spare
            try (Arena outer = v.confinedArena(); Arena inner = v.confinedArena()) {
                outer.allocate(64);
                inner.allocate(64);
            }
        }
        return new WeakReference<>(a);
    }

    private static WeakReference<SafeAllocator> useArenasStopAndDrop() {
        SafeAllocator a = SafeAllocator.builder().silent().build();
        OwnerView v = a.open(new Owner(15, "dropped"));
        for (int i = 0; i < 3; i++) { // the second and third take the thread's spare
            try (Arena arena = v.confinedArena()) {
                arena.allocate(64);
            }
        }
        Arena left = v.sharedArena();
        left.allocate(32);
        v.release();
        return new WeakReference<>(a);
    }

    @Test
    void anOwnerReleasedOnItsArenasOwnThreadClosesItThere() {
        OwnerView self = allocator.open(new Owner(12, "self"));
        Arena arena = self.confinedArena();
        MemorySegment s = arena.allocate(40);
        Leaks leaks = self.release();
        assertEquals(1, leaks.arenas());
        assertEquals(40, leaks.arenaBytes());
        assertEquals(0, allocator.stats().bytesInUse()); // freed at once: this thread is the arena's
        assertThrows(IllegalStateException.class, () -> s.get(JAVA_LONG, 0));
        arena.close(); // closed by the release: nothing to do, no exception
    }

    @Test
    void smallBlocksAreCarvedFromChunksDistinctZeroedAndAccountedAsAsked() {
        FlakyBackend backend = new FlakyBackend();
        SafeAllocator a = TestAllocators.failing(backend, Safety.FAST);
        a.setQuota("carver", 100_000);
        OwnerView v = a.open(new Owner(13, "carver"));
        List<MemorySegment> blocks = new ArrayList<>();
        long booked = 0;
        try (Arena arena = v.confinedArena()) {
            for (int i = 0; i < 200; i++) { // 1..50 bytes: several chunks
                long size = 1 + i % 50;
                MemorySegment s = arena.allocate(size);
                assertEquals(0, s.address() % 16);
                for (long b = 0; b < size; b++) {
                    assertEquals(0, s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, b));
                }
                s.fill((byte) (i + 1));
                blocks.add(s);
                booked += size;
            }
            for (int i = 0; i < blocks.size(); i++) { // no block overlaps another: each kept its own bytes
                MemorySegment s = blocks.get(i);
                for (long b = 0; b < s.byteSize(); b++) {
                    assertEquals((byte) (i + 1), s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, b));
                }
            }
            assertEquals(booked, a.stats().bytesInUse()); // what was asked for, not the chunks
            assertEquals(200, a.stats().liveAllocations());
            // A chunk malloc that fails is a FAIL decided by the handlers, nothing booked.
            int freesBefore = backend.frees.get();
            backend.failNext(1);
            long bookedNow = booked;
            for (int i = 0; i < 300 && a.stats().failures().get(Cause.FAIL) == 0; i++) { // until a new chunk is due
                try {
                    arena.allocate(500);
                    bookedNow += 500;
                } catch (MemoryAllocationException e) {
                    assertEquals(Cause.FAIL, e.cause());
                }
            }
            assertEquals(1, a.stats().failures().get(Cause.FAIL));
            assertEquals(bookedNow, a.stats().bytesInUse());
            assertEquals(freesBefore, backend.frees.get());
            // The quota is exact for carved blocks too: up to the byte.
            for (long room = 100_000 - bookedNow; room > 0; room -= Math.min(512, room)) {
                arena.allocate(Math.min(512, room));
            }
            assertEquals(100_000, a.stats().bytesInUse());
            MemoryAllocationException over = assertThrows(MemoryAllocationException.class, () -> arena.allocate(1));
            assertEquals(Cause.LIMIT, over.cause());
            assertEquals(100_000, a.stats().bytesInUse());
        }
        assertEquals(0, a.stats().bytesInUse());
        assertEquals(0, a.stats().liveAllocations());
        v.close();
    }

    @Test
    void noArenaOpensOnAClosedView() {
        OwnerView closed = allocator.open(new Owner(11, "gone"));
        closed.close();
        assertThrows(IllegalStateException.class, closed::confinedArena);
        assertThrows(IllegalStateException.class, closed::sharedArena);
        assertThrows(IllegalStateException.class, () -> closed.allocate(8, 8));
    }

    @Test
    void manyArenasOpenAndClosedInAnyOrderLeaveOnlyTheOpenOnesListed() {
        List<Arena> open = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Arena a = i % 3 == 0 ? view.sharedArena() : view.confinedArena();
            a.allocate(8);
            open.add(a);
            if (i % 2 == 1) {
                open.remove(open.size() / 2).close(); // out of order
            }
        }
        Holding h = view.holdings().getFirst();
        assertEquals(open.size(), h.openArenas());
        assertEquals(open.size() * 8L, h.arenaBytes());
        assertEquals(open.size() * 8L, tb().bytesInUse());
        open.forEach(Arena::close);
        assertEquals(0, tb().bytesInUse());
        assertTrue(view.holdings().isEmpty());
    }

    @Test
    void anOwnerReleasedAfterManyOpensClosesEveryArenaStillOpen() {
        OwnerView busy = allocator.open(new Owner(12, "busy"));
        List<Arena> open = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // many times the pushes after which the list's head is replaced
            Arena a = i % 3 == 0 ? busy.sharedArena() : busy.confinedArena();
            open.add(a);
            a.allocate(8);
            if (i % 2 == 1) {
                open.remove(open.size() / 2).close();
            }
        }
        busy.close();
        Leaks leaks = released.getLast();
        assertEquals(open.size(), leaks.arenas());
        assertEquals(open.size() * 8L, leaks.arenaBytes());
        assertTrue(allocator.stats().bundles().stream().noneMatch(b -> b.bundleName().equals("busy") && b.bytesInUse() != 0));
        for (Arena a : open) {
            assertFalse(a.scope().isAlive(), a.toString());
        }
    }
}
