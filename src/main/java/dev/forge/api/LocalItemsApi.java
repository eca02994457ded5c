package dev.forge.api;

import dev.forge.protocol.Json;
import dev.forge.registry.LocalItemRegistry;
import dev.forge.store.LocalItemRepository.Kind;
import io.javalin.config.RoutesConfig;

/** {@code POST /prompts}, {@code POST /resources} and their deletion: prompts and resources defined in Forge. */
public final class LocalItemsApi {

    private final LocalItemRegistry registry;

    public LocalItemsApi(LocalItemRegistry registry) {
        this.registry = registry;
    }

    public void routes(RoutesConfig routes) {
        routes.post("/prompts", AdminApi.admin(ctx -> {
            registry.createPrompt(AdminApi.body(ctx));
            String name = AdminApi.body(ctx).path("name").asString();
            AdminApi.json(ctx, 201, Json.object().put("name", name).put("federated_name", LocalItemRegistry.UPSTREAM + "__" + name));
        }));
        routes.delete("/prompts/{name}", AdminApi.admin(ctx -> {
            registry.delete(Kind.PROMPT, ctx.pathParam("name"));
            AdminApi.json(ctx, 200, Json.object().put("deleted", ctx.pathParam("name")));
        }));
        routes.post("/resources", AdminApi.admin(ctx -> {
            registry.createResource(AdminApi.body(ctx));
            AdminApi.json(ctx, 201, Json.object().put("uri", AdminApi.body(ctx).path("uri").asString()));
        }));
        routes.delete("/resources", AdminApi.admin(ctx -> {
            String uri = ctx.queryParam("uri");
            if (uri == null) {
                throw new dev.forge.registry.RegistryException(422, "uri: missing (DELETE /resources?uri=...)");
            }
            registry.delete(Kind.RESOURCE, uri);
            AdminApi.json(ctx, 200, Json.object().put("deleted", uri));
        }));
    }
}
