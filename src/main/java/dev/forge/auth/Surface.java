package dev.forge.auth;

/** What kind of thing a request path reaches, which decides what credential it needs. */
public enum Surface {
    /** Health, readiness, version, OpenAPI, OAuth metadata: never behind a token, never rate limited. */
    OPEN,
    /** Prometheus text: open unless {@code METRICS_PUBLIC=false}. */
    METRICS,
    /** An MCP endpoint (Streamable HTTP, SSE, {@code /rpc}): needs the endpoint's {@code mcp} scope. */
    MCP,
    /**
     * The console's pages: read scope to look, write scope to change; basic auth and the console's sign-in cookie are
     * accepted here and nowhere else. Its sign-in page and assets are {@link #OPEN}.
     */
    ADMIN_UI,
    /** The REST admin API: read scope to look, write scope to change. */
    ADMIN_API;

    public static Surface of(String path) {
        return switch (path) {
            // signing out needs no sign-in: it must work when the sign-in cannot be read (its CSRF token still holds)
            case "/health", "/ready", "/version", "/openapi.json", "/admin/login", "/admin/logout" -> OPEN;
            case "/metrics" -> METRICS;
            case "/rpc", "/mcp", "/sse", "/message" -> MCP;
            default -> path.startsWith("/.well-known/") || path.startsWith("/admin/assets/") ? OPEN
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
