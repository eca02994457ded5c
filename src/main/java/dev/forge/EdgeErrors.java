package dev.forge;

import dev.forge.auth.Surface;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one mapping at the edge from what escaped a handler to an answer in the shape of the surface it reached: a
 * JSON-RPC error on MCP paths, {@code {"error": kind, "message": …}} elsewhere. What the client sent wrong (a body
 * shorter than its Content-Length, broken chunking, a body over the limit) is a 4xx; anything else is a 500 that
 * names nothing internal and is logged once, here.
 */
final class EdgeErrors {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeErrors.class);

    private EdgeErrors() {}

    static void register(RoutesConfig routes) {
        routes.exception(Exception.class, EdgeErrors::uncaught);
        routes.exception(HttpResponseException.class, EdgeErrors::uncaught); // else Javalin answers these its own way
    }

    private static void uncaught(Exception thrown, Context ctx) {
        Exception e = thrown instanceof java.io.UncheckedIOException u && u.getCause() instanceof EofException eof ? eof : thrown;
        switch (e) {
            case EofException eof -> reply(ctx, 400, JsonRpcError.PARSE_ERROR, "bad_request", ctx.contentLength() >= 0
                    ? "Bad Request: the body ended before its Content-Length " + ctx.contentLength() + " was reached"
                    : "Bad Request: the body ended before its last chunk");
            case BadMessageException bad -> reply(ctx, bad.getCode(), JsonRpcError.INVALID_REQUEST, "bad_request",
                    "Bad Request: " + bad.getReason());
            case HttpResponseException http when http.getStatus() == 413 -> tooLarge(ctx);
            case HttpResponseException http -> reply(ctx, http.getStatus(), JsonRpcError.INVALID_REQUEST, "bad_request",
                    http.getMessage());
            default -> {
                LOG.error("{} {}: uncaught failure, answered 500", ctx.method().name(), ctx.path(), e);
                reply(ctx, 500, JsonRpcError.INTERNAL_ERROR, "internal", "Internal error");
            }
        }
    }

    /** 413 for a body over {@link Listeners#MAX_REQUEST_BYTES}, announced or found while reading a chunked one. */
    static void tooLarge(Context ctx) {
        long announced = ctx.contentLength();
        reply(ctx, 413, JsonRpcError.INVALID_REQUEST, "too_large", "Payload Too Large: "
                + (announced >= 0 ? announced + " bytes" : "a chunked body past the limit")
                + "; request bodies are limited to " + Listeners.MAX_REQUEST_BYTES / (1024 * 1024) + " MiB");
    }

    /** The methods an MCP path does not serve get 405 with {@code Allow}, not the 404 of a path that is not there. */
    static void notAllowed(RoutesConfig routes, String path, String allowed) {
        Handler refuse = ctx -> {
            ctx.header("Allow", allowed);
            reply(ctx, 405, JsonRpcError.INVALID_REQUEST, "method_not_allowed", "Method Not Allowed: "
                    + ctx.method().name() + " " + ctx.path() + " (expected: " + allowed + ")");
        };
        if (!allowed.contains("GET")) routes.get(path, refuse);
        if (!allowed.contains("POST")) routes.post(path, refuse);
        if (!allowed.contains("DELETE")) routes.delete(path, refuse);
        routes.put(path, refuse);
        routes.patch(path, refuse);
        routes.options(path, refuse); // a CORS preflight never gets here: it is answered before routing
    }

    static void reply(Context ctx, int status, int code, String kind, String message) {
        if (ctx.res().isCommitted()) {
            return; // a stream was already under way; its client sees the connection end
        }
        ctx.status(status).contentType("application/json").result(Json.bytes(Surface.of(ctx.path()) == Surface.MCP
                ? Message.error(null, new JsonRpcError(code, message)).node()
                : Json.object().put("error", kind).put("message", message)));
    }
}
