package io.safealloc.allocator.core;

/** Rethrows a {@link Throwable} caught as such, unchanged when it is unchecked. */
final class Unchecked {

    private Unchecked() {
    }

    /**
     * @return never: throws {@code t} itself when it is a {@link RuntimeException} or an {@link Error},
     *     else an {@link IllegalStateException} caused by it (declared as a return so that a caller
     *     can write {@code throw Unchecked.rethrow(t)})
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("unexpected checked exception", t);
    }
}
