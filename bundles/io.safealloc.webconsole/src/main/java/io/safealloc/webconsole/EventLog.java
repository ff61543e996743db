package io.safealloc.webconsole;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

import io.safealloc.api.MemoryEvents;

/**
 * Keeps the last {@value #CAPACITY} SafeAlloc events (every topic under
 * {@value MemoryEvents#TOPIC_PREFIX}) for the page: decisions, leaks released at bundle stop, aborts.
 *
 * <p>Thread-safe: Event Admin delivers on its own threads while requests read.
 */
public final class EventLog implements EventHandler {

    static final int CAPACITY = 50;

    /**
     * One event as the page shows it.
     *
     * @param timeMillis when it was received
     * @param topic what happened: the part of the topic after {@value MemoryEvents#TOPIC_PREFIX}
     * @param cause the {@link io.safealloc.api.Cause} name, or null (a leak has none)
     * @param size requested bytes (decisions) or released bytes (leaks), -1 when unknown
     * @param decision the decision, {@code RELEASED} for a leak, or null
     * @param bundle the requesting or leaking bundle, or null
     */
    record Entry(long timeMillis, String topic, String cause, long size, String decision, String bundle) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>(CAPACITY);

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic().substring(Math.min(event.getTopic().length(), MemoryEvents.TOPIC_PREFIX.length()));
        Object size = event.getProperty(MemoryEvents.SIZE);
        if (size == null) {
            size = event.getProperty(MemoryEvents.BYTES);
        }
        add(new Entry(System.currentTimeMillis(), topic, text(event.getProperty(MemoryEvents.CAUSE)),
                size instanceof Number n ? n.longValue() : -1, text(event.getProperty(MemoryEvents.DECISION)),
                text(event.getProperty(MemoryEvents.BUNDLE_NAME))));
    }

    synchronized void add(Entry entry) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(entry);
    }

    /** @return the kept events, newest first */
    synchronized List<Entry> newestFirst() {
        List<Entry> list = new ArrayList<>(entries);
        return list.reversed();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
