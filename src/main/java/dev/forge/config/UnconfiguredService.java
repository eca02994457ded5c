package dev.forge.config;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A service of {@code services.yml} that names environment variables nobody has set: it does not stop the others.
 * It is listed with state {@code needs-configuration} until the variables are provided, then becomes a service.
 *
 * @param missing   the unset variables, in the order the file names them
 * @param completed the service once given values for (at least) the missing variables; throws {@link ConfigException}
 *                  if some are still missing or the result is invalid
 */
public record UnconfiguredService(String name, List<String> missing, boolean autoStart, ServicePriority priority,
                                  Function<Map<String, String>, ServiceConfig> completed) {

    public UnconfiguredService {
        missing = List.copyOf(missing);
    }
}
