package io.safealloc.api;

/**
 * The order in which the allocator asks the {@link MemHandler}s, which is the OSGi service order:
 * highest {@code service.ranking} first, ties broken by the lowest {@code service.id}; a ranking that
 * is missing or not an {@code Integer} counts as 0 (OSGi Core, {@code ServiceReference.compareTo}).
 * Tools that list handlers use it to show them as the allocator asks them.
 *
 * <p>Stateless functions; not instantiable. Thread-safe.
 */
public final class HandlerOrder {

    private HandlerOrder() {
    }

    /**
     * @param serviceRanking the value of a {@code service.ranking} property, or {@code null}
     * @return the ranking the allocator applies: the {@code Integer}, else 0
     */
    public static int ranking(Object serviceRanking) {
        return serviceRanking instanceof Integer ranking ? ranking : 0;
    }

    /**
     * Compares two handlers in decision order.
     *
     * @return negative when the first ({@code ranking1}, {@code id1}) is asked before the second,
     *     positive when after, 0 for the same ranking and id
     */
    public static int compare(int ranking1, long id1, int ranking2, long id2) {
        return ranking1 != ranking2 ? Integer.compare(ranking2, ranking1) : Long.compare(id1, id2);
    }
}
