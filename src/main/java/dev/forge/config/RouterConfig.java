package dev.forge.config;

import java.net.URI;

/**
 * The tool router role.
 *
 * @param port       {@code TOOL_ROUTER_PORT}: its API ({@code /route}, {@code /status}) and the meta-tools at {@code /mcp}
 * @param serverName {@code TOOL_ROUTER_SERVER}: the virtual server that shows only the meta-tools
 * @param gatewayUrl {@code FORGE_GATEWAY_URL}: where a tool router running without the gateway role finds the
 *                   gateway whose upstreams it indexes and calls through
 * @param embeddings {@code TOOL_ROUTER_EMBEDDINGS} ({@code on} by default): rank tools by meaning as well as by
 *                   words, with the embedding model in-process; {@code off}: words (BM25) only, no model loaded
 */
public record RouterConfig(int port, String serverName, URI gatewayUrl, boolean embeddings) {

    public static RouterConfig defaults() {
        return new RouterConfig(8001, "router", URI.create("http://127.0.0.1:4444"), true);
    }

    public RouterConfig withPort(int newPort) {
        return new RouterConfig(newPort, serverName, gatewayUrl, embeddings);
    }

    public RouterConfig withGatewayUrl(URI url) {
        return new RouterConfig(port, serverName, url, embeddings);
    }

    public RouterConfig withEmbeddings(boolean on) {
        return new RouterConfig(port, serverName, gatewayUrl, on);
    }
}
