package io.safealloc.itests;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

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
 * WARNING events are counted apart: they are advice, not failures. Anything else a caller catches
 * is kept as undocumented. Thread-safe.
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
        Consumer<Object> reports = thrown -> caught((Throwable) thrown);
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
                publishedFail, publishedRetry, publishedOther, leaksPublished, exceptions)) {
            counter.set(0);
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
                + "published %d (FAIL %d, RETRY %d, other %d), leaks published %d; exceptions caught %d; undocumented %d",
                firstWitness.get(), lastWitness.get(), handlerRetries.get(), handlerFails.get(), published.get(),
                publishedFail.get(), publishedRetry.get(), publishedOther.get(), leaksPublished.get(), exceptions.get(),
                undocumented.size());
    }
}
