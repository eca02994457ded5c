package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ServerRole;
import dev.forge.config.ServiceManagerConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.SdkClients;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The tool router in front of real upstreams (server-everything, server-memory): the deployment guide's own
 * {@code POST /tools} check, {@code /route} and {@code /status} on its port, the index following the catalog, and an
 * MCP client that finds and calls an upstream tool with nothing but the meta-tools.
 */
class ToolRouterTest {

    static Gateway gateway;
    static String base;
    static String routerUrl;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio()),
                        TestGateways.stdio("memory", Peers.memoryStdio(), Map.of("MEMORY_FILE_PATH",
                                System.getProperty("java.io.tmpdir") + "/forge-router-test-memory.jsonl"))), List.of())
                .withRoles(EnumSet.of(ServerRole.GATEWAY, ServerRole.TOOL_ROUTER), ServiceManagerConfig.none()));
        base = TestGateways.baseUrl(gateway);
        routerUrl = "http://127.0.0.1:" + gateway.toolRouterPort();
        await().atMost(Duration.ofSeconds(10)).until(() -> status().path("indexed_tools").asInt() > 20);
        // the first search loads the embedding model and embeds the catalog (once per process): done here, so that
        // what the tests time is the router, not the model's start
        Tokens.send("POST", routerUrl + "/route", null, "{\"task\": \"warm up\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> status().path("ranking").asString().equals("words and meaning"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static JsonNode status() throws Exception {
        return Json.parse(Tokens.send("GET", routerUrl + "/status", null, null).body());
    }

    static List<String> names(JsonNode routed) {
        return routed.path("tools").valueStream().map(t -> t.path("name").asString()).toList();
    }

    @Test
    void theDeploymentGuidesCheckAnswersWithRankedTools() throws Exception {
        // verbatim: curl -X POST http://localhost:4444/tools -H "Content-Type: application/json" -d '{"task": "test query", "context": "testing"}'
        HttpResponse<String> guide = Tokens.send("POST", base + "/tools", null, "{\"task\": \"test query\", \"context\": \"testing\"}");
        assertThat(guide.statusCode()).isEqualTo(200);
        assertThat(Json.parse(guide.body()).path("tools").isArray()).isTrue();

        JsonNode sum = Json.parse(Tokens.send("POST", base + "/tools", null, "{\"task\": \"what is the sum of 2 and 3\"}").body());
        assertThat(names(sum).getFirst()).isEqualTo("everything__get-sum");
        JsonNode first = sum.path("tools").get(0);
        assertThat(first.path("score").asDouble()).isPositive();
        assertThat(first.path("matched").toString()).contains("description");
        assertThat(first.path("inputSchema").path("properties").has("a")).isTrue();
        assertThat(names(sum)).doesNotContain("router__search_tools"); // the router never proposes itself

        // the guide's example, and a task that shares no word with the tool it needs: ranked by meaning as well
        JsonNode add = Json.parse(Tokens.send("POST", base + "/tools", null, "{\"task\": \"add two numbers\"}").body());
        assertThat(names(add).getFirst()).isEqualTo("everything__get-sum");
        JsonNode remember = Json.parse(Tokens.send("POST", base + "/tools", null,
                "{\"task\": \"remember that Alice works at Acme\", \"limit\": 3}").body());
        assertThat(names(remember)).isNotEmpty().anyMatch(n -> n.equals("memory__create_entities")
                || n.equals("memory__add_observations") || n.equals("memory__create_relations"));
    }

    /** Scores comparable across tasks: a task nothing in the catalog does is still answered, and flagged. */
    @Test
    void aTaskNoToolFitsIsAnsweredWithCandidatesAndSaidToHaveNoGoodMatch() throws Exception {
        JsonNode echo = Json.parse(Tokens.send("POST", routerUrl + "/route", null, "{\"task\": \"echo a message back\"}").body());
        assertThat(echo.path("tools").get(0).path("good_match").asBoolean()).isTrue();
        assertThat(echo.path("tools").get(0).path("similarity").asDouble()).isGreaterThan(0.49);
        McpSyncClient client = SdkClients.streamable(base, "/servers/router/mcp");
        try {
            McpSchema.CallToolResult flight = client.callTool(new McpSchema.CallToolRequest("router__search_tools",
                    Map.of("query", "book a flight to Paris for next Tuesday", "limit", 3)));
            JsonNode found = Json.valueToTree(flight.structuredContent());
            assertThat(found.path("tools").size()).isEqualTo(3); // never empty
            assertThat(found.path("note").asString()).startsWith("no good match");
            assertThat(found.path("tools").get(0).path("good_match").asBoolean()).isFalse();
            McpSchema.CallToolResult echoed = client.callTool(new McpSchema.CallToolRequest("router__search_tools",
                    Map.of("query", "echo a message back", "limit", 3)));
            assertThat(Json.valueToTree(echoed.structuredContent()).has("note")).isFalse();
        } finally {
            client.closeGracefully();
        }
    }

    /** The guide's check on a Forge just started: the first search waits for the model, and is ranked by meaning. */
    @Test
    void theFirstSearchOfAFreshForgeIsRankedByMeaningToo() throws Exception {
        try (Gateway fresh = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of()))) {
            String url = TestGateways.baseUrl(fresh);
            await().atMost(Duration.ofSeconds(10)).until(() -> fresh.federation().ready());
            JsonNode add = Json.parse(Tokens.send("POST", url + "/tools", null, "{\"task\": \"add two numbers\"}").body());
            assertThat(names(add).getFirst()).isEqualTo("everything__get-sum");
        }
    }

    @Test
    void theRoutersOwnPortRoutesAndReportsItsStatus() throws Exception {
        JsonNode routed = Json.parse(Tokens.send("POST", routerUrl + "/route", null,
                "{\"task\": \"search the knowledge graph for a person\", \"limit\": 3}").body());
        assertThat(names(routed)).hasSizeLessThanOrEqualTo(3).contains("memory__search_nodes");
        HttpResponse<String> bad = Tokens.send("POST", routerUrl + "/route", null, "{\"task\": \"x\", \"limit\": 500}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(Json.parse(bad.body()).path("message").asString()).contains("limit");
        JsonNode status = status();
        assertThat(status.path("indexed_tools").asInt()) // every tool on /mcp but the five meta-tools
                .isEqualTo(gateway.federation().catalog().view(dev.forge.catalog.Catalog.ALL).tools().size() - 5);
        assertThat(status.path("queries_served").asLong()).isPositive();
        assertThat(status.has("latency_ms")).isTrue();
        assertThat(status.path("ranking").asString()).isEqualTo("words and meaning"); // searched already: embedded
        assertThat(Tokens.send("GET", routerUrl + "/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void theIndexFollowsTheCatalogWithinASecond() throws Exception {
        assertThat(Tokens.send("POST", base + "/tools", null, """
                {"name":"lunar-phase","description":"Tells the phase of the moon for a date","url":"http://127.0.0.1:9/moon/{date}",
                 "request_type":"GET"}""").statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(1)).until(() -> names(Json.parse(Tokens.send("POST", routerUrl + "/route", null,
                "{\"task\": \"phase of the moon tonight\"}").body())).contains("rest__lunar-phase"));
        assertThat(Tokens.send("POST", base + "/tools/rest__lunar-phase/state", null, "{\"activate\":false}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(1)).until(() -> !names(Json.parse(Tokens.send("POST", routerUrl + "/route", null,
                "{\"task\": \"phase of the moon tonight\"}").body())).contains("rest__lunar-phase"));
    }

    @Test
    void aClientFindsAndCallsAnUpstreamToolWithOnlyTheMetaTools() throws Exception {
        McpSyncClient client = SdkClients.streamable(base, "/servers/router/mcp");
        try {
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder(
                    "router__search_tools", "router__describe_tool", "router__call_tool", "router__execute_task", "router__record_feedback");
            McpSchema.CallToolResult found = client.callTool(new McpSchema.CallToolRequest("router__search_tools",
                    Map.of("query", "echo a message back", "limit", 3)));
            assertThat(found.structuredContent().toString()).contains("everything__echo");
            McpSchema.CallToolResult described = client.callTool(new McpSchema.CallToolRequest("router__describe_tool",
                    Map.of("name", "everything__echo")));
            assertThat(described.structuredContent().toString()).contains("inputSchema").contains("message");
            McpSchema.CallToolResult called = client.callTool(new McpSchema.CallToolRequest("router__call_tool",
                    Map.of("name", "everything__echo", "arguments", Map.of("message", "through the router"))));
            assertThat(((McpSchema.TextContent) called.content().getFirst()).text()).isEqualTo("Echo: through the router");
            McpSchema.CallToolResult executed = client.callTool(new McpSchema.CallToolRequest("router__execute_task",
                    Map.of("task", "echo this sentence")));
            assertThat(((McpSchema.TextContent) executed.content().getFirst()).text()).isEqualTo("Echo: echo this sentence");
            McpSchema.CallToolResult choose = client.callTool(new McpSchema.CallToolRequest("router__execute_task",
                    Map.of("task", "add two numbers together")));
            assertThat(choose.structuredContent().toString()).contains("candidates").contains("everything__get-sum");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("router__call_tool",
                    Map.of("name", "router__call_tool", "arguments", Map.of())))).hasMessageContaining("Unknown tool"); // no recursion
        } finally {
            client.closeGracefully();
        }
        // the router's own port serves the same meta-tools at /mcp
        McpSyncClient direct = SdkClients.streamable(routerUrl, "/mcp");
        try {
            assertThat(direct.listTools().tools()).hasSize(5);
        } finally {
            direct.closeGracefully();
        }
    }

    @Test
    void feedbackIsStoredAndNudgesLaterRankings() throws Exception {
        String task = "{\"task\": \"delete something from the knowledge graph\", \"limit\": 5}";
        List<String> before = names(Json.parse(Tokens.send("POST", routerUrl + "/route", null, task).body()));
        String top = before.getFirst();
        String second = before.get(1);
        for (int i = 0; i < 20; i++) {
            assertThat(Tokens.send("POST", routerUrl + "/feedback", null, "{\"tool\":\"" + top
                    + "\",\"task\":\"delete something\",\"success\":false}").statusCode()).isEqualTo(201);
            Tokens.send("POST", routerUrl + "/feedback", null, "{\"tool\":\"" + second + "\",\"task\":\"delete something\",\"success\":true}");
        }
        List<String> after = names(Json.parse(Tokens.send("POST", routerUrl + "/route", null, task).body()));
        // the reported failure ranks below the reported success, or out of the five altogether
        assertThat(after).contains(second);
        assertThat(after.indexOf(top) == -1 || after.indexOf(second) < after.indexOf(top)).as("%s then %s", before, after).isTrue();
        assertThat(Tokens.send("POST", routerUrl + "/feedback", null, "{\"tool\":\"x\"}").statusCode()).isEqualTo(422);
    }

    @Test
    void throughTheMetaToolsATokenFindsAndCallsOnlyWhatItCouldCallDirectly() throws Exception {
        String secret = "router-secret-0123456789-abcdefghijklm";
        try (Gateway secured = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of())
                .withSecurity(TestGateways.security(Map.of("JWT_SECRET", secret)))
                .withRoles(EnumSet.of(ServerRole.GATEWAY, ServerRole.TOOL_ROUTER), ServiceManagerConfig.none()))) {
            String url = TestGateways.baseUrl(secured) + "/servers/router/mcp";
            String narrow = Tokens.hs256(secret, Tokens.claims("narrow").claim("role", "developer")
                    .claim("scope", "mcp:server/router mcp:gateway/everything tool:everything__get-sum tool:router__search_tools "
                            + "tool:router__call_tool").build());
            String session = Tokens.initialize(url, narrow).headers().firstValue("Mcp-Session-Id").orElseThrow();
            JsonNode found = Json.parse(SecurityTest.send(url, narrow, session, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"router__search_tools","arguments":{"query":"echo or sum","limit":10}}}""").body());
            assertThat(found.at("/result/structuredContent/tools").valueStream().map(t -> t.path("name").asString()).toList())
                    .containsExactly("everything__get-sum");
            JsonNode refused = Json.parse(SecurityTest.send(url, narrow, session, """
                    {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"router__call_tool","arguments":{"name":"everything__echo","arguments":{"message":"x"}}}}""").body());
            assertThat(refused.path("error").path("message").asString()).contains("may not call everything__echo");
            JsonNode allowed = Json.parse(SecurityTest.send(url, narrow, session, """
                    {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"router__call_tool","arguments":{"name":"everything__get-sum","arguments":{"a":2,"b":3}}}}""").body());
            assertThat(allowed.toString()).contains("5");

            // a token for the router's server alone reaches no endpoint that shows the upstream's tools
            String routerOnly = Tokens.hs256(secret, Tokens.claims("router-only").claim("scope", "mcp:server/router").build());
            String other = Tokens.initialize(url, routerOnly).headers().firstValue("Mcp-Session-Id").orElseThrow();
            JsonNode denied = Json.parse(SecurityTest.send(url, routerOnly, other, """
                    {"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"router__call_tool","arguments":{"name":"everything__echo","arguments":{"message":"x"}}}}""").body());
            assertThat(denied.path("error").path("message").asString()).contains("reaches no endpoint");
        }
    }
}
