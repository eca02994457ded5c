package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.catalog.Catalog;
import dev.forge.support.Peers;
import dev.forge.support.SdkClients;
import dev.forge.support.TestGateways;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two upstreams that offer the same resource URIs: the later one's are refused and reported, never merged. */
class CollisionTest {

    @Test
    void aResourceUriClaimedTwiceIsServedByTheFirstUpstreamAndReported() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(
                TestGateways.stdio("first", Peers.everythingStdio()),
                TestGateways.stdio("second", Peers.everythingStdio())))) {
            Catalog catalog = gateway.federation().catalog();
            assertThat(catalog.problems()).anyMatch(p -> p.contains("resource 'demo://resource/static/")
                    && p.contains("collides with upstream"));

            McpSyncClient client = SdkClients.streamable(TestGateways.baseUrl(gateway), "/mcp");
            try {
                List<String> uris = client.listResources().resources().stream().map(McpSchema.Resource::uri).toList();
                assertThat(uris).doesNotHaveDuplicates().isNotEmpty();
                // tool names stay apart thanks to the prefixes
                List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
                assertThat(tools).contains("first__echo", "second__echo");
                var echo = client.callTool(new McpSchema.CallToolRequest("second__echo", Map.of("message", "two")));
                assertThat(((McpSchema.TextContent) echo.content().getFirst()).text()).isEqualTo("Echo: two");
            } finally {
                client.closeGracefully();
            }
        }
    }
}
