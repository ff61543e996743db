package io.safealloc.allocator.core;

/**
 * The owner was closed while a call was in flight, or before it: whatever that call allocated is
 * freed and nothing is handed out.
 */
final class OwnerClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private OwnerClosedException(String message) {
        super(message);
    }

    static OwnerClosedException of(Account account) {
        return new OwnerClosedException("the allocator view of " + account.owner
                + " is closed (the bundle released the service); nothing was allocated");
    }
}
