package dev.forge.auth;

import dev.forge.config.SecurityConfig;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import io.javalin.http.Context;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the refusals of {@link AccessGuard} the way each kind of client expects them: a JSON-RPC error body on MCP
 * paths, the admin API's {@code {"error", "message"}} elsewhere, and the {@code WWW-Authenticate} challenge of the
 * MCP authorization spec (RFC 6750 with {@code resource_metadata}, RFC 9728) on both.
 */
final class Challenges {

    private final SecurityConfig config;

    Challenges(SecurityConfig config) {
        this.config = config;
    }

    void unauthorized(Context ctx, Surface surface, String reason, boolean tokenShown) {
        StringBuilder challenge = new StringBuilder("Bearer realm=\"forge\", resource_metadata=\"")
                .append(ResourceMetadata.metadataUrl(config, ctx)).append('"');
        if (tokenShown) {
            challenge.append(", error=\"invalid_token\", error_description=\"").append(quoted(reason)).append('"');
        }
        ctx.header("WWW-Authenticate", challenge.toString());
        if (surface == Surface.ADMIN_UI && config.basicAuthPassword() != null) {
            ctx.res().addHeader("WWW-Authenticate", "Basic realm=\"forge admin\", charset=\"UTF-8\"");
        }
        write(ctx, surface, 401, "unauthorized", "Unauthorized: " + reason);
    }

    void insufficientScope(Context ctx, Surface surface, String needed) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"forge\", error=\"insufficient_scope\", scope=\"" + needed
                + "\", resource_metadata=\"" + ResourceMetadata.metadataUrl(config, ctx) + "\"");
        write(ctx, surface, 403, "forbidden", "Forbidden: insufficient_scope: " + ctx.method().name() + " " + ctx.path()
                + " needs scope " + needed + ", which this token does not have");
    }

    void tooManyAttempts(Context ctx, Surface surface, long retryAfterSeconds) {
        ctx.header("Retry-After", Long.toString(retryAfterSeconds));
        write(ctx, surface, 429, "rate_limited", "Too Many Requests: too many failed authentication attempts from "
                + ClientAddress.of(ctx) + "; retry after " + retryAfterSeconds + " s");
    }

    static void write(Context ctx, Surface surface, int status, String kind, String message) {
        ctx.status(status).contentType("application/json");
        if (surface == Surface.MCP) {
            int code = status == 429 ? JsonRpcError.RATE_LIMITED : JsonRpcError.ACCESS_DENIED;
            ctx.result(Json.bytes(Message.error(null, new JsonRpcError(code, message)).node()));
        } else {
            ObjectNode body = Json.object().put("error", kind).put("message", message);
            ctx.result(Json.bytes(body));
        }
    }

    private static String quoted(String text) {
        return text.replace("\\", "\\\\").replace("\"", "'");
    }
}
