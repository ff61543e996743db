package io.safealloc.gateway.config;

import java.util.Map;
import java.util.Set;

import io.safealloc.api.AllocatorConstants;
import io.safealloc.shell.report.SizeFormat;

/**
 * The start line that says where each allocator value came from:
 * {@code allocator settings: limit 8.0 MiB, warnPercent 85 (from --config /etc/gateway.json); maxRetries 3 (from embedded defaults)}.
 * Consecutive keys of the same source share one parenthesis.
 *
 * <p>Stateless; thread-safe.
 */
final class SettingsLine {

    private static final Set<String> SIZES = Set.of(AllocatorConstants.LIMIT, AllocatorConstants.MAX_ALLOCATION);

    private SettingsLine() {
    }

    static String of(Map<String, Sourced> values) {
        if (values.isEmpty()) {
            return "allocator settings: none configured (the allocator's own defaults: no limit)";
        }
        StringBuilder line = new StringBuilder("allocator settings: ");
        String source = null;
        for (Map.Entry<String, Sourced> entry : values.entrySet()) {
            if (source != null && !source.equals(entry.getValue().source())) {
                line.append(" (").append(from(source)).append("); ");
            } else if (source != null) {
                line.append(", ");
            }
            source = entry.getValue().source();
            line.append(entry.getKey()).append(' ').append(shown(entry.getKey(), entry.getValue().value()));
        }
        return line.append(" (").append(from(source)).append(')').toString();
    }

    private static String from(String source) {
        return source.equals(Sources.RUNTIME) ? source : "from " + source;
    }

    /** Sizes as the banner shows them; a size given as text ("64m") as it was given. */
    private static String shown(String key, Object value) {
        return SIZES.contains(key) && value instanceof Number size ? SizeFormat.human(size.longValue())
                : String.valueOf(value);
    }
}
