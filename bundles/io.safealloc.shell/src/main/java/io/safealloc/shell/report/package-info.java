/**
 * How the shell shows SafeAlloc's figures to people: sizes, tables, the handler chain in decision
 * order, and the {@code mem:stats}, {@code mem:handlers}, {@code mem:leaks} reports. Not exported:
 * the gateway's ready banner (bundle {@code io.safealloc.gateway}), which words its one line the
 * same way, carries a copy of the classes it uses (bnd {@code -conditionalpackage}), so the shell
 * has no API of its own to version.
 */
package io.safealloc.shell.report;
