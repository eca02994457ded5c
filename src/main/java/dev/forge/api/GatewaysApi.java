package dev.forge.api;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcException;
import dev.forge.registry.GatewayRegistry;
import dev.forge.registry.RegistryException;
import dev.forge.store.GatewayRecord;
import dev.forge.upstream.Upstream;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /gateways}: register, list, get, update, delete, enable/disable and refresh upstreams, in ContextForge's
 * paths. Until authentication exists, only loopback clients may use it: it can start processes on this host.
 */
public final class GatewaysApi {

    private final GatewayRegistry registry;

    public GatewaysApi(GatewayRegistry registry) {
        this.registry = registry;
    }

    public void routes(RoutesConfig routes) {
        routes.get("/gateways", admin(ctx -> {
            ArrayNode list = Json.array();
            registry.list().forEach(r -> list.add(view(r)));
            json(ctx, 200, list);
        }));
        routes.post("/gateways", admin(ctx -> json(ctx, 201, view(registry.register(body(ctx))))));
        routes.get("/gateways/{id}", admin(ctx -> json(ctx, 200, view(registry.get(ctx.pathParam("id"))))));
        routes.put("/gateways/{id}", admin(ctx -> json(ctx, 200, view(registry.update(ctx.pathParam("id"), body(ctx))))));
        routes.delete("/gateways/{id}", admin(ctx -> {
            GatewayRecord gone = registry.delete(ctx.pathParam("id"));
            json(ctx, 200, Json.object().put("deleted", gone.id()).put("name", gone.name()));
        }));
        routes.post("/gateways/{id}/state", admin(ctx -> json(ctx, 200,
                view(registry.setEnabled(ctx.pathParam("id"), activate(ctx))))));
        routes.post("/gateways/{id}/tools/refresh", admin(ctx -> {
            Upstream upstream = registry.refresh(ctx.pathParam("id"));
            json(ctx, 200, Json.object().put("name", upstream.name()).put("tools", upstream.lists().tools().size()));
        }));
    }

    /** The one error mapping of the admin API: a status and a body that says what was wrong. */
    private static Handler admin(Handler handler) {
        return ctx -> {
            if (!isLoopback(ctx.ip())) {
                error(ctx, 403, "forbidden", "The admin API is only served to loopback clients until authentication is configured");
                return;
            }
            try {
                handler.handle(ctx);
            } catch (RegistryException e) {
                error(ctx, e.status(), switch (e.status()) {
                    case 404 -> "not_found";
                    case 409 -> "conflict";
                    case 422 -> "invalid";
                    default -> "error";
                }, e.getMessage());
            } catch (JsonRpcException e) {
                error(ctx, 502, "upstream", e.getMessage());
            }
        };
    }

    private static JsonNode body(Context ctx) {
        try {
            return Json.parse(ctx.bodyAsBytes());
        } catch (JsonRpcException e) {
            throw new RegistryException(422, "body: " + e.getMessage());
        }
    }

    /** ContextForge's {@code ?activate=true|false}, or a body {@code {"activate": …}} / {@code {"enabled": …}}. */
    private static boolean activate(Context ctx) {
        String query = ctx.queryParam("activate");
        if (query != null) {
            return Boolean.parseBoolean(query);
        }
        JsonNode body = ctx.body().isBlank() ? Json.object() : body(ctx);
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
        Upstream upstream = record.enabled() ? registry.upstream(record) : null;
        view.put("status", upstream == null ? "disabled" : upstream.state().label());
        if (upstream != null) {
            if (upstream.lastError() != null) {
                view.put("error", upstream.lastError());
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
        ObjectNode copy = record.spec().deepCopy();
        for (String secretive : new String[] {"headers", "env"}) {
            if (copy.get(secretive) instanceof ObjectNode values) {
                values.propertyNames().forEach(k -> values.put(k, "***"));
            }
        }
        return copy;
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.bytes(body));
    }

    private static void error(Context ctx, int status, String kind, String message) {
        json(ctx, status, Json.object().put("error", kind).put("message", message));
    }

    private static boolean isLoopback(String ip) {
        try {
            return InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
