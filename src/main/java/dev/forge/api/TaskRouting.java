package dev.forge.api;

import dev.forge.registry.RegistryException;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;

/**
 * Answers {@code POST /tools} with a {@code task}: a routing query (the deployment guide's check), not a
 * registration. The tool router supplies it, so the admin API does not depend on the router.
 */
@FunctionalInterface
public interface TaskRouting {

    /** This process runs no tool router. */
    TaskRouting NONE = (ctx, body) -> {
        throw new RegistryException(501, "Routing a task to a tool is the tool router's work, which this process does not run");
    };

    void answer(Context ctx, JsonNode body);
}
