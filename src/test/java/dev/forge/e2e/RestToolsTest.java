package dev.forge.e2e;

import static dev.forge.support.JsonReplies.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.SdkClients;
import dev.forge.support.TestGateways;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A small local HTTP service wrapped as MCP tools through POST /tools, called by an MCP client. */
class RestToolsTest {

    HttpServer service;
    String serviceUrl;

    @BeforeEach
    void startService() throws Exception {
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/weather/", exchange -> {
            String city = java.net.URLDecoder.decode(exchange.getRequestURI().getPath().substring("/weather/".length()), StandardCharsets.UTF_8);
            reply(exchange, 200, "{\"city\":\"" + city + "\",\"current\":{\"temp\":21,\"unit\":\"C\"},\"auth\":\""
                    + exchange.getRequestHeaders().getFirst("X-Api-Key") + "\"}");
        });
        service.createContext("/echo", exchange -> reply(exchange, 200, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        service.createContext("/fail", exchange -> reply(exchange, 500, "{\"detail\":\"boom\"}"));
        service.start();
        serviceUrl = "http://127.0.0.1:" + service.getAddress().getPort();
    }

    @AfterEach
    void stopService() {
        service.stop(0);
    }

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    @Test
    void aPlainHttpApiBecomesAnMcpToolWithItsAnswerFiltered() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(), List.of());
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            var created = GatewayRegistryApiTest.send("POST", base + "/tools", """
                    {"name":"weather","description":"Current temperature in a city","integration_type":"REST","request_type":"GET",
                     "url":"%s/weather/{city}","headers":{"X-Api-Key":"k-123"},"jsonpath_filter":"$.current.temp","tags":["weather","read"],
                     "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""".formatted(serviceUrl));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(Json.parse(created.body()).get("federated_name").asString()).isEqualTo("rest__weather");

            McpSyncClient client = SdkClients.streamable(base, "/mcp");
            try {
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("rest__weather");
                assertThat(text(client.callTool(new McpSchema.CallToolRequest("rest__weather", Map.of("city", "Lisbon"))))).isEqualTo("21");

                GatewayRegistryApiTest.send("POST", base + "/tools", """
                        {"name":"create","request_type":"POST","url":"%s/echo"}""".formatted(serviceUrl));
                GatewayRegistryApiTest.send("POST", base + "/tools", """
                        {"name":"broken","url":"%s/fail"}""".formatted(serviceUrl));
                await().atMost(Duration.ofSeconds(10)).until(() -> client.listTools().tools().size() == 3);
                var echoed = client.callTool(new McpSchema.CallToolRequest("rest__create", Map.of("title", "hello", "n", 2)));
                assertThat(Json.parse(text(echoed))).isEqualTo(Json.parse("{\"title\":\"hello\",\"n\":2}"));
                var broken = client.callTool(new McpSchema.CallToolRequest("rest__broken", Map.of()));
                assertThat(broken.isError()).isTrue();
                assertThat(text(broken)).contains("HTTP 500").contains("boom");
                var missing = client.callTool(new McpSchema.CallToolRequest("rest__weather", Map.of()));
                assertThat(missing.isError()).isTrue();
                assertThat(text(missing)).contains("city");

                var tagged = Json.parse(GatewayRegistryApiTest.send("GET", base + "/tools?tag=weather", null).body());
                assertThat(tagged.valueStream().map(t -> t.get("name").asString())).containsExactly("rest__weather");
                var enabledOnly = Json.parse(GatewayRegistryApiTest.send("GET", base + "/tools?enabled=false", null).body());
                assertThat(enabledOnly).isEmpty();

                var invalid = GatewayRegistryApiTest.send("POST", base + "/tools", "{\"name\":\"bad\",\"url\":\"ftp://x\"}");
                assertThat(invalid.statusCode()).isEqualTo(422);
                assertThat(invalid.body()).contains("body.url");
                assertThat(GatewayRegistryApiTest.send("POST", base + "/tools", """
                        {"name":"weather","url":"%s/weather/{city}"}""".formatted(serviceUrl)).statusCode()).isEqualTo(409);

                assertThat(GatewayRegistryApiTest.send("DELETE", base + "/tools/rest__broken", null).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.listTools().tools().size() == 2);
            } finally {
                client.closeGracefully();
            }
        }
        try (Gateway again = TestGateways.start(config)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.federation().catalog().view("all").tool("rest__weather") != null);
            String base = TestGateways.baseUrl(again);
            String masked = GatewayRegistryApiTest.send("GET", base + "/export", null).body();
            assertThat(masked).contains("\"X-Api-Key\":\"***\"");
            String full = GatewayRegistryApiTest.send("GET", base + "/export?include_secrets=true", null).body();
            GatewayRegistryApiTest.send("DELETE", base + "/tools/weather", null);
            GatewayRegistryApiTest.send("DELETE", base + "/tools/create", null);
            assertThat(GatewayRegistryApiTest.send("POST", base + "/import", masked).statusCode()).isEqualTo(422);
            assertThat(GatewayRegistryApiTest.send("POST", base + "/import", full).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> again.federation().catalog().view("all").tool("rest__weather") != null);
        }
    }
}
