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
 * @param remoteEmbeddings {@code TOOL_ROUTER_EMBEDDINGS_URL}, {@code _MODEL}, {@code _KEY}: an embedding endpoint used
 *                   instead of the in-process model, or null
 * @param reranker   {@code TOOL_ROUTER_RERANK_URL}, {@code _MODEL}, {@code _KEY}: a re-ranking endpoint for the
 *                   best candidates, or null (off)
 */
public record RouterConfig(int port, String serverName, URI gatewayUrl, boolean embeddings, RemoteModel remoteEmbeddings,
                           RemoteModel reranker) {

    public static RouterConfig defaults() {
        return new RouterConfig(8001, "router", URI.create("http://127.0.0.1:4444"), true, null, null);
    }

    public RouterConfig withPort(int newPort) {
        return new RouterConfig(newPort, serverName, gatewayUrl, embeddings, remoteEmbeddings, reranker);
    }

    public RouterConfig withGatewayUrl(URI url) {
        return new RouterConfig(port, serverName, url, embeddings, remoteEmbeddings, reranker);
    }

    public RouterConfig withEmbeddings(boolean on) {
        return new RouterConfig(port, serverName, gatewayUrl, on, remoteEmbeddings, reranker);
    }

    public RouterConfig withRemote(RemoteModel embeddingsEndpoint, RemoteModel rerankEndpoint) {
        return new RouterConfig(port, serverName, gatewayUrl, embeddings, embeddingsEndpoint, rerankEndpoint);
    }
}
