package dev.forge.api;

import dev.forge.protocol.Json;
import dev.forge.registry.RegistryException;
import dev.forge.registry.RestToolRegistry;
import io.javalin.config.RoutesConfig;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /tools} registers a REST-backed tool (ContextForge's fields: {@code name}, {@code url},
 * {@code request_type}, {@code headers}, {@code input_schema}, {@code jsonpath_filter}); {@code DELETE /tools/{name}}
 * removes one.
 */
public final class RestToolsApi {

    private final RestToolRegistry registry;
    /** Null when this process runs no tool router. */
    private final dev.forge.router.RouterApi router;

    public RestToolsApi(RestToolRegistry registry, dev.forge.router.RouterApi router) {
        this.registry = registry;
        this.router = router;
    }

    public void routes(RoutesConfig routes) {
        routes.post("/tools", AdminApi.admin(ctx -> {
            JsonNode body = AdminApi.body(ctx);
            if (router != null && router.routeIfTask(ctx, body)) {
                return; // a routing query (the deployment guide's check), not a registration
            }
            if (body.has("task")) {
                throw new RegistryException(501, "Routing a task to a tool is the tool router's work, which this process does not run");
            }
            var stored = registry.create(body);
            AdminApi.json(ctx, 201, Json.object().put("id", stored.id()).put("name", stored.name())
                    .put("federated_name", RestToolRegistry.UPSTREAM + "__" + stored.name()));
        }));
        routes.delete("/tools/{name}", AdminApi.admin(ctx -> {
            registry.delete(ctx.pathParam("name"));
            AdminApi.json(ctx, 200, Json.object().put("deleted", ctx.pathParam("name")));
        }));
    }
}
