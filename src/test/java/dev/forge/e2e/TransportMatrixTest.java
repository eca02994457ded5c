package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.SdkClients;
import dev.forge.support.TestGateways;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every downstream transport (Streamable HTTP, legacy SSE) in front of every upstream transport (stdio, Streamable
 * HTTP, legacy SSE, and Streamable HTTP falling back to SSE), with server-everything as the real upstream in each of
 * its modes, through the federated endpoint where names carry their upstream's prefix. What passes through each
 * single-upstream endpoint, capability by capability, is {@link PassthroughMatrixTest}'s.
 */
class TransportMatrixTest {

    static NodeHttpServer streamableServer;
    static NodeHttpServer sseServer;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        streamableServer = NodeHttpServer.everything("streamableHttp");
        sseServer = NodeHttpServer.everything("sse");
        gateway = TestGateways.start(List.of(
                TestGateways.stdio("stdio", Peers.everythingStdio()),
                TestGateways.streamableHttp("http", streamableServer.url("/mcp")),
                TestGateways.sse("sse", sseServer.url("/sse")),
                // declared as Streamable HTTP but only speaks SSE: the spec's fallback must find that out
                TestGateways.streamableHttp("fallback", sseServer.url("/sse"))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (streamableServer != null) streamableServer.close();
        if (sseServer != null) sseServer.close();
    }

    static Stream<Arguments> matrix() {
        return Stream.of("streamable-http", "sse").flatMap(down ->
                Stream.of("stdio", "http", "sse", "fallback").map(up -> Arguments.of(down, up)));
    }

    private static McpSyncClient connect(String downstream, String base) {
        String url = TestGateways.baseUrl(gateway);
        return downstream.equals("sse") ? SdkClients.sse(url, base + "/sse") : SdkClients.streamable(url, base + "/mcp");
    }

    @ParameterizedTest(name = "{0} client -> {1} upstream, federated endpoint")
    @MethodSource("matrix")
    void callsReachTheUpstreamThroughTheFederatedEndpoint(String downstream, String upstream) {
        McpSyncClient client = connect(downstream, "");
        try {
            var result = client.callTool(new McpSchema.CallToolRequest(upstream + "__echo", Map.of("message", "via " + downstream)));
            assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).isEqualTo("Echo: via " + downstream);
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains(upstream + "__get-sum");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void aStreamableHttpUpstreamThatOnlySpeaksSseIsReachedOverSse() {
        Upstream fallback = gateway.federation().upstreams().stream().filter(u -> u.name().equals("fallback")).findFirst().orElseThrow();
        assertThat(fallback.state()).isEqualTo(UpstreamState.READY);
        assertThat(fallback.transportKind()).isEqualTo("sse");
    }
}
