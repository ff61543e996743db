package io.safealloc.gateway.config;

/**
 * A configuration value and where it came from, as the start line shows it.
 *
 * @param value the property value as Config Admin stores it
 * @param source {@link Sources#RUNTIME}, {@link Sources#DEFAULTS} or {@code "--config <file>"}
 */
record Sourced(Object value, String source) {
}
