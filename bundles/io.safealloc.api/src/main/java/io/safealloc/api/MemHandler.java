package io.safealloc.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides how to recover from an allocation problem: a whiteboard service.
 *
 * <p><b>Implemented by</b> bundles that want a say in memory recovery: register an instance as an
 * OSGi service under this interface. The allocator asks the handlers in the OSGi service order:
 * highest {@code service.ranking} first, ties broken by the lowest {@code service.id}; a missing or
 * non-{@code Integer} ranking counts as 0. Registering, unregistering or re-ranking a handler
 * (for example with {@code ServiceRegistration.setProperties}) takes effect for the next event.
 * Outside OSGi the core allocator offers the same chain programmatically.
 *
 * <p><b>Semantics:</b> see {@link Recovery}. A handler that throws or returns {@code null} is logged
 * and treated as {@link Recovery#DEFER}. A handler that itself allocates and fails does not re-enter
 * the handler chain: that inner allocation simply fails with {@link MemoryAllocationException}. That
 * guard belongs to the handler's thread: a handler that hands work which allocates to another thread
 * and waits for it must wrap the work with {@link Unhandled#wrap(Runnable)} (or
 * {@link Unhandled#wrap(java.util.concurrent.Callable)}), or a failure in that work would ask the
 * handlers again and could wait on the handler that waits for it.
 *
 * <p><b>Threading:</b> {@link #handle} is called on the allocating thread, concurrently from several
 * threads, and never while the allocator holds a lock: other threads keep allocating and freeing
 * while a handler runs. Implementations must be thread-safe and should be quick; a handler that
 * blocks stalls only the thread whose allocation failed.
 */
@ConsumerType
@FunctionalInterface
public interface MemHandler {

    /**
     * Optional service property: a human-readable description of what the handler does, shown by
     * management tools.
     */
    String DESCRIPTION = "safealloc.description";

    /**
     * Decides what to do about {@code event}.
     *
     * @param event what happened, with the allocator's figures at that moment; never {@code null}
     * @return the decision; {@code null} counts as {@link Recovery#DEFER}
     */
    Recovery handle(MemEvent event);
}
