package io.safealloc.itests;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.safealloc.api.Cause;
import io.safealloc.api.MemHandler;
import io.safealloc.api.MemoryAllocationException;
import io.safealloc.api.MemoryEvents;
import io.safealloc.api.Recovery;

/**
 * Counts, from every side, what happened to the allocation failures of a stress run, so that the
 * run can prove that each one reached the handler chain once, was decided once, was published once,
 * and ended in exactly one MemoryAllocationException or one successful retry:
 * <ul>
 * <li>a first witness, the highest-ranked handler (it always defers), counts every failure event;</li>
 * <li>a last witness, the lowest-ranked handler (it always defers), counts the events that no
 *     stress handler decided, which the default handler then decides;</li>
 * <li>the stress handlers count the RETRY and FAIL decisions they return;</li>
 * <li>an Event Admin handler counts the published events, by acted decision;</li>
 * <li>the callers (test threads and tb2, through the sink) count the exceptions they caught.</li>
 * </ul>
 * WARNING events are counted apart: they are advice, not failures.
 *
 * <p>tb2 also reports, through the sink, what its worker got <em>after</em> its stop was signalled
 * (wrapped in a {@link CancellationException}): a sloppy stop lets its in-flight call race the release
 * of tb2's memory. Only what the allocator documents for such a call counts as documented: the
 * closed-view {@code IllegalStateException}, the released-memory {@code IllegalArgumentException}s,
 * and, as at any time, a MemoryAllocationException. And when tb2's worker ends it sends a report
 * ({@link #tb2WorkersDone()} and the tb2 counters). Anything else a caller catches is kept as
 * undocumented. Thread-safe.
 */
final class FailureLedger {

    final AtomicLong firstWitness = new AtomicLong();
    final AtomicLong lastWitness = new AtomicLong();
    final AtomicLong handlerRetries = new AtomicLong();
    final AtomicLong handlerFails = new AtomicLong();
    final AtomicLong published = new AtomicLong();
    final AtomicLong publishedFail = new AtomicLong();
    final AtomicLong publishedRetry = new AtomicLong();
    final AtomicLong publishedOther = new AtomicLong();
    final AtomicLong leaksPublished = new AtomicLong();
    final AtomicLong exceptions = new AtomicLong();
    // tb2's exceptions after its stop signal, by what they say; MemoryAllocationExceptions among them
    // are counted in exceptions too (each is an acted FAIL like any other).
    final AtomicLong afterStopClosedView = new AtomicLong();
    final AtomicLong afterStopReleased = new AtomicLong();
    final AtomicLong afterStopFailures = new AtomicLong();
    // From tb2's worker reports (one per worker, when it ends).
    private final AtomicLong tb2WorkersDone = new AtomicLong();
    final AtomicLong tb2SloppyStops = new AtomicLong();
    final AtomicLong tb2Resizes = new AtomicLong();
    final AtomicLong tb2ResizesFailed = new AtomicLong();
    /** Arena rounds tb2's workers ran (each: open, allocate, close). */
    final AtomicLong tb2Arenas = new AtomicLong();
    final AtomicLong racedAlloc = new AtomicLong();
    final AtomicLong racedRealloc = new AtomicLong();
    final AtomicLong racedFree = new AtomicLong();
    final Queue<Throwable> undocumented = new ConcurrentLinkedQueue<>();

    private final Set<String> bundles;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private volatile long marker = -1;
    private volatile boolean markerSeen;

    /** @param bundles symbolic names of the bundles whose events count (the run's own) */
    FailureLedger(Set<String> bundles) {
        this.bundles = Set.copyOf(bundles);
    }

    /** Registers both witnesses, the Event Admin handler and the sink tb2 reports to. */
    void open(BundleContext context) {
        registrations.add(Fixture.register(context, event -> {
            if (event.cause() != Cause.WARNING) {
                firstWitness.incrementAndGet();
            }
            return Recovery.DEFER;
        }, Integer.MAX_VALUE));
        registrations.add(Fixture.register(context, event -> {
            if (event.cause() != Cause.WARNING) {
                lastWitness.incrementAndGet();
            }
            return Recovery.DEFER;
        }, Integer.MIN_VALUE));
        Dictionary<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, MemoryEvents.TOPIC_ALL);
        registrations.add(context.registerService(EventHandler.class, this::publishedEvent, topics));
        Dictionary<String, Object> sink = new Hashtable<>();
        sink.put("safealloc.stress", "sink");
        Consumer<Object> reports = this::fromTb2;
        registrations.add(context.registerService(Consumer.class, reports, sink));
    }

    void close() {
        registrations.forEach(ServiceRegistration::unregister);
        registrations.clear();
    }

    private void publishedEvent(org.osgi.service.event.Event event) {
        if (!bundles.contains(String.valueOf(event.getProperty(MemoryEvents.BUNDLE_NAME)))) {
            return;
        }
        if (Long.valueOf(marker).equals(event.getProperty(MemoryEvents.SIZE))) {
            markerSeen = true;
            return;
        }
        String topic = event.getTopic();
        if (topic.endsWith("/WARNING") || topic.endsWith("/ABORT")) {
            return;
        }
        if (topic.endsWith("/LEAK")) {
            leaksPublished.incrementAndGet();
            return;
        }
        published.incrementAndGet();
        switch (String.valueOf(event.getProperty(MemoryEvents.DECISION))) {
            case "FAIL" -> publishedFail.incrementAndGet();
            case "RETRY" -> publishedRetry.incrementAndGet();
            default -> publishedOther.incrementAndGet();
        }
    }

    /**
     * Sends a marker failure of a size nobody else uses and waits until Event Admin delivered it:
     * what earlier tests had posted is delivered by then, so the counters start from a clean slate.
     */
    void startAfterMarker(io.safealloc.api.AllocatorService allocator) {
        marker = Long.MAX_VALUE - 4242;
        try {
            allocator.rAlloc(marker);
            throw new AssertionError("the marker allocation succeeded");
        } catch (MemoryAllocationException expected) {
            // TOO_BIG, published with the marker size
        }
        Fixture.await("the marker event", () -> markerSeen);
        for (AtomicLong counter : List.of(firstWitness, lastWitness, handlerRetries, handlerFails, published,
                publishedFail, publishedRetry, publishedOther, leaksPublished, exceptions, afterStopClosedView,
                afterStopReleased, afterStopFailures)) {
            counter.set(0);
        }
    }

    // What tb2 sends (tb2's AllocatingWorkload spells out the same strings: the bundles share no class).
    static final String AFTER_STOP = "tb2: thrown after the stop signal";
    private static final String DONE = "tb2.done";

    /**
     * The closed view, word for word as docs/bad-inputs.md has it (the owner's name varies). Matched
     * on the message: the allocator's class for it is internal, only IllegalStateException is API.
     */
    private static final Pattern CLOSED_VIEW = Pattern.compile(
            "the allocator view of .+ is closed \\(the bundle released the service\\); nothing was allocated");
    /**
     * An arena of tb2's that its stop closed (shared) or revoked (confined, its thread still running),
     * word for word as docs/bad-inputs.md has it.
     */
    private static final Pattern CLOSED_ARENA = Pattern.compile(
            "this SafeAlloc arena was closed because .+ stopped; its memory is freed");
    /**
     * Memory tb2 held that its release freed, or was freeing, while the call ran (docs/bad-inputs.md):
     * FAST finds the address gone from the live table, or being resized (a call that claimed it
     * first); CHECKED finds the segment's lifetime ended, or ending (the release is closing it).
     */
    private static final Pattern RELEASED = Pattern.compile("(rFree|rRealloc): (0x\\p{XDigit}+ was not handed out by this "
            + "allocator, is not the start of an allocation, or was already freed"
            + "|0x\\p{XDigit}+ is being resized by an rRealloc on another thread; the segment passed is about to become stale"
            + "|the segment at 0x\\p{XDigit}+ was already freed \\(its lifetime has ended; the address may since have been handed out again\\)"
            + "|the segment at 0x\\p{XDigit}+ is being freed or resized by another call \\(its lifetime is ending\\))"
            + "; nothing was changed");

    /** What tb2's sink received: an exception (maybe wrapped as after its stop), or its worker's report. */
    private void fromTb2(Object sent) {
        if (sent instanceof Map<?, ?> report && report.containsKey(DONE)) {
            tb2SloppyStops.addAndGet(figure(report, "tb2.sloppy"));
            tb2Resizes.addAndGet(figure(report, "tb2.resizes"));
            tb2ResizesFailed.addAndGet(figure(report, "tb2.resizes.failed"));
            tb2Arenas.addAndGet(figure(report, "tb2.arenas"));
            racedAlloc.addAndGet(figure(report, "tb2.raced.rAlloc"));
            racedRealloc.addAndGet(figure(report, "tb2.raced.rRealloc"));
            racedFree.addAndGet(figure(report, "tb2.raced.rFree"));
            tb2WorkersDone.incrementAndGet(); // last: whoever sees it done sees its figures
        } else if (sent instanceof CancellationException wrapper && AFTER_STOP.equals(wrapper.getMessage())
                && wrapper.getCause() != null) {
            caughtAfterStop(wrapper);
        } else if (sent instanceof Throwable thrown) {
            caught(thrown);
        } else {
            undocumented.add(new AssertionError("tb2 sent something unknown: " + sent));
        }
    }

    private long figure(Map<?, ?> report, String key) {
        if (report.get(key) instanceof Long value) {
            return value;
        }
        undocumented.add(new AssertionError("tb2's worker report lacks " + key + ": " + report));
        return 0;
    }

    /** @return how many of tb2's workers have ended (each sends one report) */
    long tb2WorkersDone() {
        return tb2WorkersDone.get();
    }

    /**
     * tb2's worker caught {@code wrapper}'s cause once its stop was signalled: documented only as one
     * of the allocator's answers to a call racing the release, or an ordinary allocation failure.
     */
    private void caughtAfterStop(CancellationException wrapper) {
        Throwable thrown = wrapper.getCause();
        String message = String.valueOf(thrown.getMessage());
        if (thrown instanceof MemoryAllocationException) {
            long before = exceptions.get();
            caught(thrown); // documented or not, exactly as before the stop
            if (exceptions.get() > before) {
                afterStopFailures.incrementAndGet();
            }
        } else if (thrown instanceof IllegalStateException
                && (CLOSED_VIEW.matcher(message).matches() || CLOSED_ARENA.matcher(message).matches())) {
            afterStopClosedView.incrementAndGet();
        } else if (thrown instanceof IllegalArgumentException && RELEASED.matcher(message).matches()) {
            afterStopReleased.incrementAndGet();
        } else {
            undocumented.add(wrapper); // the wrapper says it came after the stop; the cause is the news
        }
    }

    /** A caller caught {@code thrown}: a MemoryAllocationException is documented, the rest is not. */
    void caught(Throwable thrown) {
        if (thrown instanceof MemoryAllocationException e && e.cause() != Cause.WARNING
                && (e.decision() == Recovery.FAIL || e.decision() == Recovery.RETRY)) {
            exceptions.incrementAndGet();
        } else {
            undocumented.add(thrown);
        }
    }

    @Override
    public String toString() {
        return String.format("witnessed %d (first) / %d reached the default; handlers decided RETRY %d, FAIL %d; "
                + "published %d (FAIL %d, RETRY %d, other %d), leaks published %d; exceptions caught %d "
                + "(%d of them tb2's after its stop); tb2 after its stop also got: closed view %d, released memory %d; undocumented %d",
                firstWitness.get(), lastWitness.get(), handlerRetries.get(), handlerFails.get(), published.get(),
                publishedFail.get(), publishedRetry.get(), publishedOther.get(), leaksPublished.get(), exceptions.get(),
                afterStopFailures.get(), afterStopClosedView.get(), afterStopReleased.get(), undocumented.size());
    }
}
