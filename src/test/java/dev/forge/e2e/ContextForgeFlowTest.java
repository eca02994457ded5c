package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The flow scripts written for ContextForge use: register two gateways, list tools, make a virtual server of a
 * subset, use it from the Java SDK, disable one of its tools (the client hears list_changed and the tool is gone),
 * export, wipe, import — and the registry is the same.
 */
class ContextForgeFlowTest {

    static JsonNode call(String method, String url, String body) throws Exception {
        var response = GatewayRegistryApiTest.send(method, url, body);
        assertThat(response.statusCode()).as("%s %s -> %s", method, url, response.body()).isBetween(200, 299);
        return Json.parse(response.body());
    }

    @Test
    void theWholeFlowWorksAndSurvivesExportWipeImport() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(), List.of());
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            List<String> everything = Peers.everythingStdio();
            call("POST", base + "/gateways", """
                    {"name":"everything","transport":"STDIO","command":["%s","%s","stdio"],"session_mode":"shared"}"""
                    .formatted(everything.get(0), everything.get(1)));
            call("POST", base + "/gateways", GatewayRegistryApiTest.memoryBody("memory"));

            JsonNode tools = call("GET", base + "/tools", null);
            assertThat(tools.valueStream().map(t -> t.get("name").asString())).contains("everything__echo", "memory__create_entities");

            JsonNode server = call("POST", base + "/servers", """
                    {"name":"assistant","associated_tools":["everything__echo","memory__read_graph","memory__create_entities"]}""");
            String serverId = server.get("id").asString();

            List<List<String>> announced = new CopyOnWriteArrayList<>();
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint("/servers/" + serverId + "/mcp").build())
                    .requestTimeout(Duration.ofSeconds(20))
                    .toolsChangeConsumer(list -> announced.add(list.stream().map(McpSchema.Tool::name).toList()))
                    .build();
            client.initialize();
            try {
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                        .containsExactly("everything__echo", "memory__create_entities", "memory__read_graph");
                call("POST", base + "/tools/memory__create_entities/toggle?activate=false", null);
                await().atMost(Duration.ofSeconds(10)).until(() -> !announced.isEmpty()
                        && !announced.getLast().contains("memory__create_entities"));
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
                        .containsExactly("everything__echo", "memory__read_graph");
                JsonNode listed = call("GET", base + "/tools?gateway=memory", null);
                assertThat(listed.valueStream().filter(t -> t.get("name").asString().equals("memory__create_entities"))
                        .map(t -> t.get("enabled").asBoolean())).containsExactly(false);
            } finally {
                client.closeGracefully();
            }

            ObjectNode exported = (ObjectNode) call("GET", base + "/export?include_secrets=true", null);
            // wipe: the tool switched back on, the server and both gateways gone
            call("POST", base + "/tools/memory__create_entities/state", "{\"activate\":true}");
            call("DELETE", base + "/servers/" + serverId, null);
            call("DELETE", base + "/gateways/everything", null);
            call("DELETE", base + "/gateways/memory", null);
            assertThat(call("GET", base + "/gateways", null)).isEmpty();

            call("POST", base + "/import", exported.toString());
            ObjectNode again = (ObjectNode) call("GET", base + "/export?include_secrets=true", null);
            exported.remove("exported_at");
            again.remove("exported_at");
            assertThat(again).isEqualTo(exported);
            await().atMost(Duration.ofSeconds(20)).until(() -> gateway.federation().catalog().view("all").tool("memory__read_graph") != null);
            assertThat(gateway.federation().catalog().view("all").tool("memory__create_entities")).isNull();
        }
    }
}
