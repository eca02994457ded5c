package dev.forge.api;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcException;
import dev.forge.registry.RegistryException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import tools.jackson.databind.JsonNode;

/**
 * What every admin endpoint shares: the one mapping from failures to a status and a body that says what was wrong.
 * Who may call which endpoint is decided before any of them runs, by the access guard.
 */
public final class AdminApi {

    private AdminApi() {}

    static Handler admin(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (RegistryException e) {
                error(ctx, e.status(), switch (e.status()) {
                    case 400 -> "bad_request";
                    case 404 -> "not_found";
                    case 409 -> "conflict";
                    case 422 -> "invalid";
                    case 501 -> "not_implemented";
                    default -> "error";
                }, e.getMessage());
            } catch (dev.forge.store.SecretsException e) {
                error(ctx, 422, "invalid", e.getMessage());
            } catch (JsonRpcException e) {
                error(ctx, 502, "upstream", e.getMessage());
            }
        };
    }

    static JsonNode body(Context ctx) {
        try {
            return Json.parse(ctx.bodyAsBytes());
        } catch (JsonRpcException e) {
            throw new RegistryException(400, "body: " + e.getMessage()); // not JSON at all: 422 is for values out of range
        }
    }

    /** A JSON answer with this status; every API of Forge answers this way. */
    public static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.bytes(body));
    }

    /** The one shape of an API error: {@code {"error": kind, "message": what was wrong}}. */
    public static void error(Context ctx, int status, String kind, String message) {
        json(ctx, status, Json.object().put("error", kind).put("message", message));
    }
}
