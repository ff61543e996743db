package io.safealloc.allocator.core;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where SafeAlloc's hot path spends its time: the layers of one 64-byte rAlloc + rFree, each
 * measured with the ones below it, so that the differences are what each layer costs. It lives in
 * the allocator's package (the benchmarks jar puts both on one class path) to reach the
 * package-private parts; it is not a SafeAlloc API.
 *
 * <ul>
 *   <li>{@link #criticalMallocFree}: libc through critical downcalls, what SafeAlloc calls;</li>
 *   <li>{@link #plusTwoCas}: plus two uncontended compare-and-sets, the least any shared table that
 *       rejects a double free needs (one to claim a slot, one to take it back);</li>
 *   <li>{@link #plusLiveTable}: plus the live table's insert and remove instead;</li>
 *   <li>{@link #plusLedgers}: plus the per-thread ledgers (booking, counts, reserve) instead;</li>
 *   <li>{@link #plusSegment}: plus creating the MemorySegment handed out instead;</li>
 *   <li>{@link #allLayers}: ledgers, table and segment together (the full path minus its argument
 *       and state checks).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HotPathBreakdown {

    private final LibcBackend libc = LibcBackend.INSTANCE;
    private final LiveTable live = new LiveTable();
    private final Ledgers ledgers = new Ledgers(0); // no limit: always granted
    private final Account account = new Account(1, new Owner(1, "io.example.consumer"));
    private final AtomicLongArray cells = new AtomicLongArray(16);

    @Param("64")
    public long size;

    @Benchmark
    public long criticalMallocFree() {
        long address = libc.malloc(size);
        libc.free(address, size);
        return address;
    }

    @Benchmark
    public long plusTwoCas() {
        long address = libc.malloc(size);
        cells.compareAndSet(8, 0, address);
        cells.compareAndSet(8, address, 0);
        libc.free(address, size);
        return address;
    }

    @Benchmark
    public long plusLiveTable() {
        long address = libc.malloc(size);
        live.insert(address, Entry.of(size, account.index));
        long entry = live.remove(address);
        libc.free(address, Entry.size(entry));
        return address;
    }

    @Benchmark
    public long plusLedgers() {
        AccountLedger ledger = bookAllocation();
        long address = libc.malloc(size);
        ledger.countAllocation();
        libc.free(address, size);
        bookFree(size);
        return address;
    }

    @Benchmark
    public MemorySegment plusSegment() {
        long address = libc.malloc(size);
        MemorySegment segment = Lifetimes.fast(address, size);
        libc.free(segment.address(), size);
        return segment;
    }

    @Benchmark
    public MemorySegment allLayers() {
        AccountLedger ledger = bookAllocation();
        long address = libc.malloc(size);
        ledger.countAllocation();
        live.insert(address, Entry.of(size, account.index));
        MemorySegment segment = Lifetimes.fast(address, size);
        long entry = live.remove(segment.address());
        libc.free(address, Entry.size(entry));
        bookFree(Entry.size(entry));
        return segment;
    }

    /** What rAlloc books before calling libc (no limit: always granted). */
    private AccountLedger bookAllocation() {
        AccountLedger ledger = ledgers.of(account);
        ledgers.reserve(ledger, size);
        return ledger;
    }

    /** What rFree books after calling libc, on the freeing thread's ledger. */
    private void bookFree(long bytes) {
        ledgers.unbook(account, bytes);
    }
}
