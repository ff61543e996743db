package io.safealloc.allocator.core;

import java.util.concurrent.atomic.AtomicInteger;

/** libc, except that the next {@code failures} allocating calls return NULL as a real malloc would. */
final class FlakyBackend implements NativeBackend {

    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger frees = new AtomicInteger();

    FlakyBackend failNext(int count) {
        failures.set(count);
        return this;
    }

    private boolean fail() {
        return failures.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
    }

    @Override
    public long malloc(long size) {
        return fail() ? 0 : LibcBackend.INSTANCE.malloc(size);
    }

    @Override
    public long calloc(long size) {
        return fail() ? 0 : LibcBackend.INSTANCE.calloc(size);
    }

    @Override
    public long aligned(long alignment, long size) {
        return fail() ? 0 : LibcBackend.INSTANCE.aligned(alignment, size);
    }

    @Override
    public long realloc(long address, long size) {
        return fail() ? 0 : LibcBackend.INSTANCE.realloc(address, size);
    }

    @Override
    public void free(long address, long size) {
        frees.incrementAndGet();
        LibcBackend.INSTANCE.free(address, size);
    }
}
