/**
 * SafeAlloc's public API: checked native-memory allocation for OSGi runtimes.
 *
 * <p>Bundles get an {@link io.safealloc.api.AllocatorService} (bundle scoped: every byte a bundle
 * allocates is accounted to it) and never test for {@code null}: when an allocation cannot be
 * satisfied, the highest-ranked {@link io.safealloc.api.MemHandler} whiteboard service decides what
 * happens ({@link io.safealloc.api.Recovery}).
 *
 * <p>Semantic versioning: {@code AllocatorService}, {@code MemEvent}, {@code MemStats} and
 * {@code BundleStats} are provider types (the allocator implements them; adding a method is a minor
 * change); {@code MemHandler} is a consumer type (bundles implement it; changing it is a major change).
 */
@Version("1.1.0")
@Export
package io.safealloc.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
