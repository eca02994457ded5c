package dev.forge.auth;

import dev.forge.catalog.Catalog;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;

/**
 * The one rule for calling a tool, however the call arrives: {@code tools/call} on an MCP endpoint, {@code POST /rpc},
 * or a meta-tool ({@code call_tool}, {@code execute_task}) calling for the session. The token must reach an endpoint
 * that shows the tool (the one the call came through, the all-upstreams endpoint, or the tool's upstream's own), and
 * a tool-limited token must name the tool. Lists and searches ask the same question, so a client never sees a tool
 * it would be refused.
 */
public final class ToolAccess {

    private ToolAccess() {}

    /**
     * @param endpointScope the catalog scope the tool was found in ({@code all} for a meta-tool's call)
     * @param upstream      the upstream that owns the tool
     * @param namespacedTool the tool's name as the all-upstreams endpoint shows it
     */
    public static boolean allows(Principal principal, String endpointScope, String upstream, String namespacedTool) {
        return reaches(principal, endpointScope, upstream) && principal.mayCall(namespacedTool);
    }

    /** Throws the refusal ({@code ACCESS_DENIED}, naming the tool as the client asked for it) unless {@link #allows}. */
    public static void check(Principal principal, String endpointScope, String upstream, String namespacedTool,
                             String requested) {
        if (!reaches(principal, endpointScope, upstream)) {
            throw refused(requested, "it reaches no endpoint that shows the tool");
        }
        if (!principal.mayCall(namespacedTool)) {
            throw refused(requested, "it lists the tools it may call");
        }
    }

    private static boolean reaches(Principal principal, String endpointScope, String upstream) {
        return principal.mayUse(endpointScope) || principal.mayUse(Catalog.ALL)
                || principal.mayUse(Catalog.gatewayScope(upstream));
    }

    private static JsonRpcException refused(String tool, String why) {
        return new JsonRpcException(JsonRpcError.ACCESS_DENIED, "Forbidden: this token may not call " + tool
                + " (insufficient_scope: " + why + ")");
    }
}
