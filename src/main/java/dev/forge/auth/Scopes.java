package dev.forge.auth;

import dev.forge.catalog.Catalog;

/**
 * The scope strings a token may carry. MCP scopes mirror the endpoints: {@code mcp} covers every MCP endpoint,
 * {@code mcp:server/NAME} one virtual server, {@code mcp:gateway/NAME} one upstream's endpoint; {@code tool:NAME}
 * (a namespaced tool name) limits the token to the tools it names.
 */
public final class Scopes {

    public static final String ADMIN_READ = "admin:read";
    public static final String ADMIN_WRITE = "admin:write";
    public static final String MCP = "mcp";
    public static final String TOOL_PREFIX = "tool:";
    private static final String MCP_PREFIX = "mcp:";

    private Scopes() {}

    /** The scope that names exactly one endpoint, given its catalog scope ({@code all}, {@code server/x}, …). */
    public static String forEndpoint(String catalogScope) {
        return Catalog.ALL.equals(catalogScope) ? MCP : MCP_PREFIX + catalogScope;
    }

    /** True if the string is a scope Forge understands. */
    public static boolean known(String scope) {
        return scope.equals(ADMIN_READ) || scope.equals(ADMIN_WRITE) || scope.equals(MCP)
                || (scope.startsWith(MCP_PREFIX) && scope.length() > MCP_PREFIX.length())
                || (scope.startsWith(TOOL_PREFIX) && scope.length() > TOOL_PREFIX.length());
    }
}
