package dev.forge.transport;

import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Security headers on every response, and CORS only when {@code CORS_ENABLED} is set, for the origins in
 * {@code ALLOWED_ORIGINS}. A browser preflight is answered here, before authentication (it carries no credentials).
 */
public final class ResponseHeaders {

    private static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID";
    private static final String EXPOSED_HEADERS = "Mcp-Session-Id, WWW-Authenticate, Retry-After";

    private final boolean corsEnabled;
    private final Set<String> corsOrigins;

    public ResponseHeaders(boolean corsEnabled, Set<String> allowedOrigins) {
        this.corsEnabled = corsEnabled;
        this.corsOrigins = allowedOrigins.stream().map(o -> o.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** True if the request goes on; false after answering a CORS preflight. */
    public boolean admit(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        if (!corsEnabled) {
            return true;
        }
        String origin = ctx.header("Origin");
        if (origin == null || !(corsOrigins.contains("*") || corsOrigins.contains(origin.trim().toLowerCase(Locale.ROOT)))) {
            return true;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
        ctx.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        if (ctx.method().name().equals("OPTIONS") && ctx.header("Access-Control-Request-Method") != null) {
            ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
            ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
            return false;
        }
        return true;
    }
}
