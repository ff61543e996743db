package io.safealloc.handlers;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Map;

import org.osgi.framework.Constants;

import io.safealloc.api.HandlerOrder;

/**
 * Checks the {@code service.ranking} a handler's configuration gives. Declarative Services copies
 * configuration properties to the service properties unchanged, and the framework counts a ranking
 * that is not an {@code Integer} (a {@code Long} from a JSON or .cfg file, a {@code String}) as 0:
 * the handler would silently move in the chain. The handler still runs; the warning says how to
 * fix the configuration.
 *
 * <p>Stateless; thread-safe.
 */
public final class ServiceRanking {

    private ServiceRanking() {
    }

    /**
     * @param properties the component properties (configuration merged over the defaults)
     * @return the ranking the allocator will apply ({@link HandlerOrder#ranking}): the Integer, or 0
     *     for anything else
     */
    public static int check(Map<String, ?> properties, String pid, Logger log) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        if (ranking != null && !(ranking instanceof Integer)) {
            log.log(Level.WARNING, "{0}: service.ranking must be an Integer, was {1} {2}: it counts as 0. "
                    + "Give it a type, e.g. \"service.ranking:Integer\": {2} (Configurator JSON) "
                    + "or service.ranking=I\"{2}\" (Felix .config)",
                    pid, ranking.getClass().getSimpleName(), String.valueOf(ranking));
        }
        return HandlerOrder.ranking(ranking);
    }
}
