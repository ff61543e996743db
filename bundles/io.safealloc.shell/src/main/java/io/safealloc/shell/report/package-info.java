/**
 * How the shell shows SafeAlloc's figures to people: sizes, tables, the handler chain in decision
 * order, and the {@code mem:stats}, {@code mem:handlers}, {@code mem:leaks} reports. Exported for the
 * gateway's ready banner (bundle {@code io.safealloc.gateway}), which words its one line the same way.
 */
@Export
@Version("1.0.0")
package io.safealloc.shell.report;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
