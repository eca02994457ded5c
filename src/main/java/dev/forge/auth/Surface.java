package dev.forge.auth;

/** What kind of thing a request path reaches, which decides what credential it needs. */
public enum Surface {
    /** Health, readiness, version, OpenAPI, OAuth metadata: never behind a token, never rate limited. */
    OPEN,
    /** Prometheus text: open unless {@code METRICS_PUBLIC=false}. */
    METRICS,
    /** An MCP endpoint (Streamable HTTP, SSE, {@code /rpc}): needs the endpoint's {@code mcp} scope. */
    MCP,
    /** The admin pages: read scope; basic auth is accepted here and nowhere else. */
    ADMIN_UI,
    /** The REST admin API: read scope to look, write scope to change. */
    ADMIN_API;

    public static Surface of(String path) {
        return switch (path) {
            case "/health", "/ready", "/version", "/openapi.json" -> OPEN;
            case "/metrics" -> METRICS;
            case "/rpc", "/mcp", "/sse", "/message" -> MCP;
            default -> path.startsWith("/.well-known/") ? OPEN
                    : path.equals("/admin") || path.startsWith("/admin/") ? ADMIN_UI
                    : isEndpointPath(path) ? MCP
                    : ADMIN_API;
        };
    }

    /** {@code /servers/{id}/mcp}, {@code /gateways/{name}/sse}, {@code /services/{name}/mcp} and the like. */
    private static boolean isEndpointPath(String path) {
        return (path.startsWith("/servers/") || path.startsWith("/gateways/") || path.startsWith("/services/"))
                && (path.endsWith("/mcp") || path.endsWith("/sse") || path.endsWith("/message"))
                && path.indexOf('/', path.indexOf('/', 1) + 1) == path.lastIndexOf('/');
    }
}
