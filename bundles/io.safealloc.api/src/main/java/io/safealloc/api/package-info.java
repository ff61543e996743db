/**
 * SafeAlloc's public API: checked native-memory allocation for OSGi runtimes.
 *
 * <p>Bundles get an {@link io.safealloc.api.AllocatorService} (bundle scoped: every byte a bundle
 * allocates is accounted to it) and never test for {@code null}: when an allocation cannot be
 * satisfied, the highest-ranked {@link io.safealloc.api.MemHandler} whiteboard service decides what
 * happens ({@link io.safealloc.api.Recovery}).
 *
 * <p>Whole-process memory pressure (heap, direct buffers, the container, the system) reaches the same
 * handlers as events of cause {@link io.safealloc.api.Cause#PRESSURE}, with the
 * {@link io.safealloc.api.PressureReading} of the source that crossed a
 * {@link io.safealloc.api.PressureLevel}; management tools read every source's level from
 * {@link io.safealloc.api.MemStats#pressure()} (since 1.1).
 *
 * <p>Semantic versioning: {@code AllocatorService}, {@code MemEvent}, {@code MemStats},
 * {@code BundleStats} and {@code PressureReading} are provider types (the allocator implements them; adding a method is a minor
 * change); {@code MemHandler} is a consumer type (bundles implement it; changing it is a major change).
 */
@Version("1.1.0")
@Export
package io.safealloc.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
