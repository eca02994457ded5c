package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.support.SdkClients;
import dev.forge.support.TestGateways;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prompts (templates with arguments) and resources defined through the API, served to MCP clients. */
class LocalItemsTest {

    @Test
    void promptsAndResourcesDefinedInForgeAreServedAndKept() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(), List.of());
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(GatewayRegistryApiTest.send("POST", base + "/prompts", """
                    {"name":"review","description":"Code review request","template":"Review {{file}} for {{ focus }}.",
                     "arguments":[{"name":"file","required":true},{"name":"focus"}]}""").statusCode()).isEqualTo(201);
            assertThat(GatewayRegistryApiTest.send("POST", base + "/resources", """
                    {"uri":"docs://handbook","name":"handbook","mime_type":"text/markdown","content":"# Handbook"}""").statusCode()).isEqualTo(201);
            assertThat(GatewayRegistryApiTest.send("POST", base + "/prompts", "{\"name\":\"x\"}").statusCode()).isEqualTo(422);
            assertThat(GatewayRegistryApiTest.send("POST", base + "/resources", "{\"uri\":\"docs://handbook\",\"content\":\"again\"}").statusCode()).isEqualTo(409);

            McpSyncClient client = SdkClients.streamable(base, "/mcp");
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> client.listPrompts().prompts().stream().anyMatch(p -> p.name().equals("local__review")));
                var prompt = client.getPrompt(new McpSchema.GetPromptRequest("local__review", Map.of("file", "Main.java", "focus", "races")));
                assertThat(((McpSchema.TextContent) prompt.messages().getFirst().content()).text()).isEqualTo("Review Main.java for races.");
                assertThatThrownBy(() -> client.getPrompt(new McpSchema.GetPromptRequest("local__review", Map.of())))
                        .hasMessageContaining("file");
                var read = client.readResource(new McpSchema.ReadResourceRequest("docs://handbook"));
                assertThat(((McpSchema.TextResourceContents) read.contents().getFirst()).text()).isEqualTo("# Handbook");
                assertThat(GatewayRegistryApiTest.send("DELETE", base + "/resources?uri=docs://handbook", null).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.listResources().resources().isEmpty());
            } finally {
                client.closeGracefully();
            }
        }
        try (Gateway again = TestGateways.start(config)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.federation().catalog().view("all").prompt("local__review") != null);
            String base = TestGateways.baseUrl(again);
            String exported = GatewayRegistryApiTest.send("GET", base + "/export", null).body();
            assertThat(exported).contains("\"template\":\"Review {{file}} for {{ focus }}.\"");
            assertThat(GatewayRegistryApiTest.send("DELETE", base + "/prompts/local__review", null).statusCode()).isEqualTo(200);
            assertThat(GatewayRegistryApiTest.send("POST", base + "/import", exported).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> again.federation().catalog().view("all").prompt("local__review") != null);
        }
    }
}
