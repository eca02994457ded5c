package dev.forge.auth;

import dev.forge.config.SecurityConfig;
import dev.forge.protocol.Json;
import io.javalin.http.Context;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728), as the MCP authorization spec asks of an MCP server:
 * {@code /.well-known/oauth-protected-resource} for the gateway and {@code …/oauth-protected-resource/PATH} for each
 * MCP endpoint, naming the authorization servers that issue tokens for it and the scopes it understands.
 */
public final class ResourceMetadata {

    static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final SecurityConfig config;

    public ResourceMetadata(SecurityConfig config) {
        this.config = config;
    }

    public void serve(Context ctx) {
        String resourcePath = ctx.path().substring(WELL_KNOWN.length());
        Surface surface = resourcePath.isEmpty() ? Surface.ADMIN_API : Surface.of(resourcePath);
        if (!resourcePath.isEmpty() && surface != Surface.MCP) {
            ctx.status(404).contentType("application/json").result(Json.bytes(Json.object()
                    .put("error", "not_found").put("message", "no protected MCP resource at " + resourcePath)));
            return;
        }
        ObjectNode body = Json.object();
        body.put("resource", baseUrl(config, ctx) + resourcePath);
        ArrayNode servers = body.putArray("authorization_servers");
        config.authorizationServers().forEach(servers::add);
        body.putArray("bearer_methods_supported").add("header");
        ArrayNode scopes = body.putArray("scopes_supported");
        if (resourcePath.isEmpty()) {
            scopes.add(Scopes.MCP).add(Scopes.ADMIN_READ).add(Scopes.ADMIN_WRITE);
        } else {
            String[] parts = resourcePath.split("/");
            scopes.add(Scopes.MCP);
            if (parts.length == 4) {
                scopes.add("mcp:" + (parts[1].equals("servers") ? "server/" : "gateway/") + parts[2]);
            }
        }
        body.put("resource_name", "Forge MCP Gateway");
        ctx.status(200).contentType("application/json").result(Json.bytes(body));
    }

    /** Where the metadata of the resource this request reached lives. */
    static String metadataUrl(SecurityConfig config, Context ctx) {
        String path = ctx.path();
        return baseUrl(config, ctx) + WELL_KNOWN + (Surface.of(path) == Surface.MCP ? path : "");
    }

    /** {@code PUBLIC_URL} when set (Forge behind a proxy), else what the client used to reach us. */
    static String baseUrl(SecurityConfig config, Context ctx) {
        if (config.publicUrl() != null) {
            String url = config.publicUrl().toString();
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        return ctx.scheme() + "://" + ctx.host();
    }
}
