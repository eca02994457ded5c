package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The ContextForge-style flow on /gateways: register, list, disable, enable, update, delete, and survive a restart. */
class GatewayRegistryApiTest {

    static HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return RawMcp.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String memoryBody(String name) {
        List<String> command = Peers.memoryStdio();
        return """
                {"name":"%s","transport":"STDIO","command":["%s","%s"],"session_mode":"shared","description":"knowledge graph",
                 "env":{"MEMORY_FILE_PATH":"%s"}}""".formatted(name, command.get(0), command.get(1),
                System.getProperty("java.io.tmpdir") + "/forge-registry-test-" + name + ".jsonl");
    }

    @Test
    void registeringChangingAndRemovingUpstreamsTakesEffectAtOnceAndPersists() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of());
        String memoryId;
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            List<List<String>> announced = new CopyOnWriteArrayList<>();
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp").build())
                    .requestTimeout(Duration.ofSeconds(20))
                    .toolsChangeConsumer(tools -> announced.add(tools.stream().map(McpSchema.Tool::name).toList()))
                    .build();
            client.initialize();
            try {
                HttpResponse<String> created = send("POST", base + "/gateways", memoryBody("memory"));
                assertThat(created.statusCode()).isEqualTo(201);
                JsonNode memory = Json.parse(created.body());
                memoryId = memory.get("id").asString();
                assertThat(memory.get("status").asString()).isEqualTo("ready");
                assertThat(memory.get("tools").asInt()).isEqualTo(9);
                assertThat(memory.at("/spec/env/MEMORY_FILE_PATH").asString()).isEqualTo("***");
                await().atMost(Duration.ofSeconds(10)).until(() -> announced.stream().anyMatch(l -> l.contains("memory__read_graph")));
                assertThat(client.callTool(new McpSchema.CallToolRequest("memory__read_graph", java.util.Map.of())).isError()).isNotEqualTo(true);

                assertThat(send("POST", base + "/gateways", memoryBody("memory")).statusCode()).isEqualTo(409);
                HttpResponse<String> invalid = send("POST", base + "/gateways", "{\"name\":\"Bad Name\",\"command\":\"x\"}");
                assertThat(invalid.statusCode()).isEqualTo(422);
                assertThat(Json.parse(invalid.body()).get("message").asString()).contains("body.name").contains("Bad Name");
                HttpResponse<String> exfiltrate = send("POST", base + "/gateways",
                        "{\"name\":\"leak\",\"url\":\"http://127.0.0.1:1/mcp\",\"headers\":{\"X\":\"${JWT_SECRET}\"}}");
                assertThat(exfiltrate.statusCode()).isEqualTo(422);

                JsonNode listed = Json.parse(send("GET", base + "/gateways", null).body());
                assertThat(listed.valueStream().map(g -> g.get("name").asString())).containsExactly("everything", "memory");

                JsonNode disabled = Json.parse(send("POST", base + "/gateways/" + memoryId + "/state?activate=false", null).body());
                assertThat(disabled.get("status").asString()).isEqualTo("disabled");
                await().atMost(Duration.ofSeconds(10)).until(() -> announced.getLast().stream().noneMatch(n -> n.startsWith("memory__")));
                send("POST", base + "/gateways/memory/state", "{\"activate\":true}");
                await().atMost(Duration.ofSeconds(10)).until(() -> announced.getLast().contains("memory__read_graph"));

                assertThat(send("GET", base + "/metrics", null).body()).contains("forge_upstream_state{state=\"ready\",upstream=\"memory\"} 1");
                HttpResponse<String> refreshed = send("POST", base + "/gateways/everything/tools/refresh", null);
                assertThat(Json.parse(refreshed.body()).get("tools").asInt()).isGreaterThan(10);

                HttpResponse<String> down = send("POST", base + "/gateways", "{\"name\":\"down\",\"url\":\"http://127.0.0.1:1/mcp\"}");
                assertThat(down.statusCode()).isEqualTo(201);
                assertThat(Json.parse(down.body()).get("status").asString()).isEqualTo("failed");
                assertThat(Json.parse(down.body()).get("error").asString()).contains("127.0.0.1:1");
                assertThat(send("DELETE", base + "/gateways/down", null).statusCode()).isEqualTo(200);
                assertThat(send("GET", base + "/metrics", null).body()).doesNotContain("upstream=\"down\"");
                assertThat(send("GET", base + "/gateways/down", null).statusCode()).isEqualTo(404);
            } finally {
                client.closeGracefully();
            }
        }
        // the same database, a new process: what was registered through the API is still there and federated
        try (Gateway again = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(again);
            JsonNode memory = Json.parse(send("GET", base + "/gateways/" + memoryId, null).body());
            assertThat(memory.get("name").asString()).isEqualTo("memory");
            await().atMost(Duration.ofSeconds(20)).until(() -> again.federation().catalog().view("all").tool("memory__read_graph") != null);
            assertThat(send("DELETE", base + "/gateways/memory", null).statusCode()).isEqualTo(200);
            assertThat(again.federation().find("memory")).isNull();
        }
    }

    @Test
    void aVirtualServerMadeThroughTheApiServesExactlyItsSubset() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of());
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            HttpResponse<String> created = send("POST", base + "/servers", """
                    {"name":"cursor","description":"for the editor","associated_tools":["everything__echo","everything__get-sum"],
                     "prompts":["everything__simple-prompt"]}""");
            assertThat(created.statusCode()).isEqualTo(201);
            String id = Json.parse(created.body()).get("id").asString();
            assertThat(Json.parse(created.body()).get("missing")).isEmpty();

            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint("/servers/" + id + "/mcp").build())
                    .requestTimeout(Duration.ofSeconds(20)).build();
            client.initialize();
            try {
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("everything__echo", "everything__get-sum");
                assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name).containsExactly("everything__simple-prompt");
                var sum = client.callTool(new McpSchema.CallToolRequest("everything__get-sum", java.util.Map.of("a", 2, "b", 3)));
                assertThat(((McpSchema.TextContent) sum.content().getFirst()).text()).contains("5");
                var outside = client.callTool(new McpSchema.CallToolRequest("everything__get-env", java.util.Map.of()));
                assertThat(outside.isError()).isTrue();
            } catch (RuntimeException e) {
                assertThat(e.getMessage()).contains("Unknown tool: everything__get-env");
            } finally {
                client.closeGracefully();
            }
            JsonNode tools = Json.parse(send("GET", base + "/servers/cursor/tools", null).body());
            assertThat(tools.valueStream().map(t -> t.get("name").asString())).containsExactly("everything__echo", "everything__get-sum");
            assertThat(send("PUT", base + "/servers/" + id, "{\"name\":\"cursor\",\"tools\":[\"everything__echo\"]}").statusCode()).isEqualTo(200);
            assertThat(Json.parse(send("GET", base + "/servers/" + id + "/tools", null).body())).hasSize(1);
            assertThat(send("POST", base + "/servers", "{\"name\":\"cursor\"}").statusCode()).isEqualTo(409);
            assertThat(send("POST", base + "/servers", "{\"name\":\"Cursor!\"}").statusCode()).isEqualTo(422);
            assertThat(send("DELETE", base + "/servers/" + id, null).statusCode()).isEqualTo(200);
            assertThat(send("GET", base + "/servers/" + id, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void theCatalogCanBeReadAndCalledWithoutASession() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of());
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            JsonNode tools = Json.parse(send("GET", base + "/tools?gateway=everything", null).body());
            assertThat(tools.valueStream().map(t -> t.get("name").asString())).contains("everything__echo");
            assertThat(tools.valueStream().map(t -> t.get("gateway").asString())).containsOnly("everything");
            assertThat(Json.parse(send("GET", base + "/tools/everything__echo", null).body()).at("/inputSchema/properties/message")).isNotNull();
            assertThat(send("GET", base + "/tools/nope", null).statusCode()).isEqualTo(404);
            assertThat(Json.parse(send("GET", base + "/resources", null).body())).isNotEmpty();
            assertThat(Json.parse(send("GET", base + "/prompts/everything__simple-prompt", null).body()).get("name").asString())
                    .isEqualTo("everything__simple-prompt");

            HttpResponse<String> rpc = send("POST", base + "/rpc", """
                    {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"no session"}}}""");
            assertThat(rpc.statusCode()).isEqualTo(200);
            assertThat(Json.parse(rpc.body()).at("/result/content/0/text").asString()).isEqualTo("Echo: no session");
            assertThat(send("POST", base + "/rpc", "{oops").statusCode()).isEqualTo(400);
            JsonNode openApi = Json.parse(send("GET", base + "/openapi.json", null).body());
            assertThat(openApi.get("openapi").asString()).startsWith("3.");
            assertThat(openApi.at("/info/version").asString()).doesNotContain("${");
            assertThat(openApi.get("paths").propertyNames()).contains("/gateways", "/servers", "/export", "/import", "/rpc", "/tokens",
                    "/.well-known/oauth-protected-resource");
            assertThat(gateway.sessions().all()).isEmpty();
        }
    }
}
