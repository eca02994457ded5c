package dev.forge.transport;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;

/** Transport-level refusals: an HTTP status with a JSON-RPC error body that says what was wrong. */
final class HttpErrors {

    private HttpErrors() {}

    static void reply(Context ctx, int status, JsonNode id, int code, String message) {
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(Json.bytes(Message.error(id, new JsonRpcError(code, message)).node()));
    }

    static void reply(Context ctx, int status, JsonNode id, JsonRpcError error) {
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(Json.bytes(Message.error(id, error).node()));
    }

    static void reply(Context ctx, int status, int code, String message) {
        reply(ctx, status, null, code, message);
    }
}
