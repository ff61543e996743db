package io.safealloc.api;

/**
 * What a {@link MemHandler} decides for a {@link MemEvent}.
 *
 * <p>For {@link Cause#LIMIT}, {@link Cause#FAIL} and {@link Cause#TOO_BIG}:
 * <ul>
 *   <li>{@link #RETRY}: the handler released memory; the allocator tries the allocation again. After
 *       {@code maxRetries} rounds of retries the allocation fails as with {@link #FAIL}.</li>
 *   <li>{@link #FAIL}: the call throws {@link MemoryAllocationException}; nothing is allocated.</li>
 *   <li>{@link #DEFER}: the next-ranked handler decides; after the last one, the default handler.</li>
 *   <li>{@link #ABORT}: the default action: the allocation error is logged and the process is
 *       ended after a graceful stop of the OSGi framework, so that a supervisor restarts it. The
 *       allocating call itself throws {@link MemoryAllocationException}.</li>
 * </ul>
 * For {@link Cause#PRESSURE} (no allocation waits): {@link #RETRY} means "I freed something,
 * measure again" (the handlers are asked again while the level stays, at most {@code maxRetries}
 * times), {@link #FAIL} acknowledges the crossing, {@link #DEFER} asks the next handler, and
 * {@link #ABORT} stops the framework gracefully and ends the process with the abort exit code.
 * For {@link Cause#WARNING} only {@link #ABORT} is acted upon; any decision other than
 * {@link #DEFER} ends the walk down the handler chain. A handler that returns {@code null} or
 * throws is treated as having returned {@link #DEFER}.
 */
public enum Recovery {
    RETRY,
    FAIL,
    DEFER,
    ABORT
}
