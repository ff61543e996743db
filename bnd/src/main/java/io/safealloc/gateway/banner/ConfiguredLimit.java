package io.safealloc.gateway.banner;

import java.io.IOException;
import java.util.OptionalLong;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.safealloc.api.AllocatorConstants;

/**
 * Reads the global budget that Config Admin holds for the allocator ({@value AllocatorConstants#PID},
 * property {@value AllocatorConstants#LIMIT}), without creating the configuration when there is none.
 * The banner compares it with the limit the allocator enforces to know that the configuration has
 * been applied (Config Admin delivers it asynchronously).
 *
 * <p>Thread-safe as far as Config Admin is.
 */
public final class ConfiguredLimit {

    private ConfiguredLimit() {
    }

    /**
     * @return the configured limit, or empty when there is no configuration, no {@code limit}
     *     property, or a value that is not a number (the allocator rejects it anyway)
     */
    public static OptionalLong of(ConfigurationAdmin admin) {
        Configuration[] found;
        try {
            found = admin.listConfigurations("(service.pid=" + AllocatorConstants.PID + ")");
        } catch (IOException | InvalidSyntaxException e) {
            return OptionalLong.empty();
        }
        if (found == null || found.length == 0 || found[0].getProperties() == null) {
            return OptionalLong.empty();
        }
        Object value = found[0].getProperties().get(AllocatorConstants.LIMIT);
        if (value instanceof Number number) {
            return OptionalLong.of(number.longValue());
        }
        if (value instanceof String text) {
            try {
                return OptionalLong.of(Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }
}
