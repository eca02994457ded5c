package dev.forge.support;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import java.time.Duration;
import java.util.List;

/** Clients of the official MCP Java SDK, initialized and ready. */
public final class SdkClients {

    private SdkClients() {}

    public static McpSyncClient streamable(String baseUrl, String endpoint) {
        return start(HttpClientStreamableHttpTransport.builder(baseUrl).endpoint(endpoint).build());
    }

    public static McpSyncClient sse(String baseUrl, String sseEndpoint) {
        return start(HttpClientSseClientTransport.builder(baseUrl).sseEndpoint(sseEndpoint).build());
    }

    public static McpSyncClient stdio(List<String> command) {
        ServerParameters params = ServerParameters.builder(command.getFirst()).args(command.subList(1, command.size())).build();
        return start(new StdioClientTransport(params, McpJsonDefaults.getMapper()));
    }

    private static McpSyncClient start(McpClientTransport transport) {
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
        return client;
    }

    /** JSON of an SDK object, as the SDK itself writes it. */
    public static String json(Object value) {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
