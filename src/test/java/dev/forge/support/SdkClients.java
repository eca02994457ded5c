package dev.forge.support;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Clients of the official MCP Java SDK, initialized and ready. */
public final class SdkClients {

    private SdkClients() {}

    /** What a capable client saw arrive on its own: progress, logs, questions it answered, resources updated. */
    public record Observed(List<McpSchema.ProgressNotification> progress,
                           List<McpSchema.LoggingMessageNotification> logs,
                           List<String> questions,
                           List<String> updatedUris) {
        public Observed() {
            this(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
                    new CopyOnWriteArrayList<>());
        }
    }

    public static final String ROOT_URI = "file:///forge-test-root";

    public static McpSyncClient streamable(String baseUrl, String endpoint) {
        return start(McpClient.sync(streamableTransport(baseUrl, endpoint)));
    }

    public static McpSyncClient sse(String baseUrl, String sseEndpoint) {
        return start(McpClient.sync(HttpClientSseClientTransport.builder(baseUrl).sseEndpoint(sseEndpoint).build()));
    }

    public static McpSyncClient stdio(List<String> command) {
        return start(McpClient.sync(stdioTransport(command)));
    }

    /** A client that declares sampling, elicitation and roots, answers them, and records what arrives. */
    public static McpSyncClient capableStreamable(String baseUrl, String endpoint, Observed observed) {
        return start(capable(McpClient.sync(streamableTransport(baseUrl, endpoint)), observed));
    }

    public static McpSyncClient capableStdio(List<String> command, Observed observed) {
        return start(capable(McpClient.sync(stdioTransport(command)), observed));
    }

    private static McpClient.SyncSpec capable(McpClient.SyncSpec spec, Observed observed) {
        return spec.capabilities(McpSchema.ClientCapabilities.builder().roots(true).sampling().elicitation().build())
                .roots(new McpSchema.Root(ROOT_URI, "forge test root"))
                .sampling(request -> {
                    observed.questions().add("sampling");
                    return new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT,
                            new McpSchema.TextContent("sampled by the test client"), "test-model",
                            McpSchema.CreateMessageResult.StopReason.END_TURN);
                })
                .elicitation(request -> {
                    observed.questions().add("elicitation");
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("color", "green"));
                })
                .progressConsumer(observed.progress()::add)
                .resourcesUpdateConsumer(contents -> contents.forEach(c -> observed.updatedUris().add(c.uri())))
                .loggingConsumer(observed.logs()::add);
    }

    private static McpClientTransport streamableTransport(String baseUrl, String endpoint) {
        return HttpClientStreamableHttpTransport.builder(baseUrl).endpoint(endpoint).build();
    }

    private static McpClientTransport stdioTransport(List<String> command) {
        ServerParameters params = ServerParameters.builder(command.getFirst()).args(command.subList(1, command.size())).build();
        return new StdioClientTransport(params, McpJsonDefaults.getMapper());
    }

    private static McpSyncClient start(McpClient.SyncSpec spec) {
        McpSyncClient client = spec.requestTimeout(Duration.ofSeconds(20)).build();
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
