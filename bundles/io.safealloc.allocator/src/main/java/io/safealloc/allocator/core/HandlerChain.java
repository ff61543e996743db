package io.safealloc.allocator.core;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import io.safealloc.api.HandlerOrder;
import io.safealloc.api.MemHandler;

/**
 * The ranked {@link MemHandler}s, in decision order ({@link HandlerOrder}: highest ranking first,
 * ties broken by the lowest id; for OSGi services {@code service.ranking}, then {@code service.id},
 * the {@code ServiceReference} order). Every handler is kept, whatever its ranking: the key is the
 * pair, never the ranking alone.
 *
 * <p>Thread-safety: changes are copy-on-write under this object's monitor and publish a new sorted
 * array with one volatile write. The decision path reads that array with one volatile read and no
 * copy (package-private {@code snapshot()}), so changing handlers never blocks an allocation and an allocation
 * always sees a complete, sorted chain; {@link #inDecisionOrder()} does the same read and wraps
 * the array in an immutable list for tools.
 */
public final class HandlerChain {

    /** A handler in the chain. */
    public record Ranked(MemHandler handler, int ranking, long id, String description) {
    }

    /** Changes or removes one handler. */
    public interface Registration {
        /** Re-ranks the handler; the next event sees the new order. */
        void setRanking(Object ranking);

        /** Removes the handler; idempotent. */
        void unregister();
    }

    private static final Comparator<Ranked> DECISION_ORDER =
            (a, b) -> HandlerOrder.compare(a.ranking(), a.id(), b.ranking(), b.id());

    /**
     * Ids for handlers added without one, counted up from {@code Long.MAX_VALUE / 2}: far above any
     * OSGi service id, so they never clash with one and come after OSGi services of equal ranking.
     */
    private final AtomicLong localIds = new AtomicLong();
    private volatile Ranked[] chain = new Ranked[0];

    /** Adds a handler with an id of its own, ordered after OSGi services of the same ranking. */
    public Registration add(MemHandler handler, Object ranking) {
        return add(handler, ranking, Long.MAX_VALUE / 2 + localIds.incrementAndGet(), HandlerNames.of(handler));
    }

    /**
     * Adds a handler.
     *
     * @param ranking a {@code service.ranking} value, applied by {@link HandlerOrder#ranking}
     * @param id the tie-breaker (an OSGi service id); lower decides first among equal rankings
     * @param description which handler this is, for log lines (for OSGi services: its description,
     *     service id and bundle)
     */
    public synchronized Registration add(MemHandler handler, Object ranking, long id, String description) {
        Objects.requireNonNull(handler, "handler");
        Ranked entry = new Ranked(handler, HandlerOrder.ranking(ranking), id, description);
        replace(null, entry);
        return new Registration() {
            private Ranked current = entry;

            @Override
            public void setRanking(Object newRanking) {
                synchronized (HandlerChain.this) {
                    if (current != null) {
                        Ranked next = new Ranked(handler, HandlerOrder.ranking(newRanking), id, description);
                        replace(current, next);
                        current = next;
                    }
                }
            }

            @Override
            public void unregister() {
                synchronized (HandlerChain.this) {
                    if (current != null) {
                        replace(current, null);
                        current = null;
                    }
                }
            }
        };
    }

    private void replace(Ranked old, Ranked fresh) {
        Ranked[] next = Arrays.stream(chain).filter(r -> r != old).toArray(Ranked[]::new);
        if (fresh != null) {
            next = Arrays.copyOf(next, next.length + 1);
            next[next.length - 1] = fresh;
        }
        Arrays.sort(next, DECISION_ORDER);
        chain = next;
    }

    /** @return the handlers, the one that decides first at index 0 */
    public List<Ranked> inDecisionOrder() {
        return List.of(chain);
    }

    Ranked[] snapshot() {
        return chain;
    }
}
