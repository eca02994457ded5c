package dev.forge.api;

import dev.forge.protocol.Json;
import dev.forge.registry.GatewayRegistry;
import dev.forge.registry.RegistryException;
import dev.forge.registry.RegistryTransfer;
import dev.forge.store.GatewayRecord;
import dev.forge.upstream.Upstream;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /gateways}: register, list, get, update, delete, enable/disable and refresh upstreams, in ContextForge's
 * paths.
 */
public final class GatewaysApi {

    private final GatewayRegistry registry;

    public GatewaysApi(GatewayRegistry registry) {
        this.registry = registry;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/gateways", AdminApi.admin(ctx -> {
            ArrayNode list = Json.array();
            registry.list().forEach(r -> list.add(view(r)));
            AdminApi.json(ctx, 200, list);
        }));
        routes.post("/gateways", AdminApi.admin(ctx -> AdminApi.json(ctx, 201, view(registry.register(AdminApi.body(ctx))))));
        routes.get("/gateways/{id}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, view(registry.get(ctx.pathParam("id"))))));
        routes.put("/gateways/{id}", AdminApi.admin(ctx -> AdminApi.json(ctx, 200, view(registry.update(ctx.pathParam("id"), AdminApi.body(ctx))))));
        routes.delete("/gateways/{id}", AdminApi.admin(ctx -> {
            GatewayRecord gone = registry.delete(ctx.pathParam("id"));
            AdminApi.json(ctx, 200, Json.object().put("deleted", gone.id()).put("name", gone.name()));
        }));
        routes.post("/gateways/{id}/state", AdminApi.admin(ctx -> AdminApi.json(ctx, 200,
                view(registry.setEnabled(ctx.pathParam("id"), activate(ctx))))));
        routes.post("/gateways/{id}/tools/refresh", AdminApi.admin(ctx -> {
            Upstream upstream = registry.refresh(ctx.pathParam("id"));
            AdminApi.json(ctx, 200, Json.object().put("name", upstream.name()).put("tools", upstream.lists().tools().size()));
        }));
    }

    /** ContextForge's {@code ?activate=true|false}, or a body {@code {"activate": …}} / {@code {"enabled": …}}. */
    static boolean activate(Context ctx) {
        String query = ctx.queryParam("activate");
        if (query != null) {
            return Boolean.parseBoolean(query);
        }
        JsonNode body = ctx.body().isBlank() ? Json.object() : AdminApi.body(ctx);
        JsonNode flag = body.has("activate") ? body.get("activate") : body.get("enabled");
        if (flag == null || !flag.isBoolean()) {
            throw new RegistryException(422, "body.activate: missing (expected: true or false, or ?activate=)");
        }
        return flag.asBoolean();
    }

    private ObjectNode view(GatewayRecord record) {
        ObjectNode view = Json.object();
        view.put("id", record.id());
        view.put("name", record.name());
        view.put("transport", record.transport());
        view.put("enabled", record.enabled());
        String problem = registry.problem(record);
        Upstream upstream = record.enabled() && problem == null ? registry.upstream(record) : null;
        view.put("status", problem != null ? "invalid" : upstream == null ? "disabled" : upstream.state().label());
        if (problem != null) {
            view.put("error", problem);
        }
        if (upstream != null) {
            if (upstream.lastError() != null) {
                view.put("error", upstream.lastError());
            }
            if (upstream.protocolVersion() != null) { // known once connected
                view.put("protocol_version", upstream.protocolVersion());
                view.put("era", dev.forge.protocol.ProtocolVersions.isModern(upstream.protocolVersion()) ? "modern" : "legacy");
            }
            view.put("tools", upstream.lists().tools().size());
            view.put("resources", upstream.lists().resources().size());
            view.put("prompts", upstream.lists().prompts().size());
        }
        view.put("created_at", record.createdAt().toString());
        view.put("updated_at", record.updatedAt().toString());
        view.set("spec", maskedSpec(record));
        return view;
    }

    private static ObjectNode maskedSpec(GatewayRecord record) {
        return RegistryTransfer.masked(record.spec());
    }
}
