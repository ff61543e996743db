package io.safealloc.allocator.core;

/**
 * Test helper: a {@link NativeBackend} that hands every call to another one; a test overrides only
 * the call it changes (dirty memory, fake addresses, a recorded peak).
 */
class ForwardingBackend implements NativeBackend {

    private final NativeBackend target;

    ForwardingBackend(NativeBackend target) {
        this.target = target;
    }

    @Override
    public long malloc(long size) {
        return target.malloc(size);
    }

    @Override
    public long calloc(long size) {
        return target.calloc(size);
    }

    @Override
    public long aligned(long alignment, long size) {
        return target.aligned(alignment, size);
    }

    @Override
    public long realloc(long address, long size) {
        return target.realloc(address, size);
    }

    @Override
    public void free(long address, long size) {
        target.free(address, size);
    }
}
