package io.safealloc.allocator.core;

import java.util.Objects;

/**
 * Who an allocation is accounted to: in OSGi a bundle (id and symbolic name), outside OSGi
 * {@link #NONE} unless the application names its own owners.
 *
 * @param id the bundle id (or any id the application chooses)
 * @param name the bundle symbolic name (or any name); budgets ({@code io.safealloc.quota}) match it
 */
public record Owner(long id, String name) {

    /** The owner of allocations made outside OSGi. */
    public static final Owner NONE = new Owner(-1, "none");

    public Owner {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return name + " [" + id + "]";
    }
}
