package dev.forge.api;

import dev.forge.protocol.Json;
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
    private final TaskRouting tasks;

    public RestToolsApi(RestToolRegistry registry, TaskRouting tasks) {
        this.registry = registry;
        this.tasks = tasks;
    }

    public void routes(RoutesConfig routes) {
        routes.post("/tools", AdminApi.admin(ctx -> {
            JsonNode body = AdminApi.body(ctx);
            if (body.has("task")) {
                tasks.answer(ctx, body);
                return;
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
