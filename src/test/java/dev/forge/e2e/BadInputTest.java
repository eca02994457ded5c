package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What a client sees when it sends something wrong, and when an upstream is down. Raw HTTP, no SDK in between. */
class BadInputTest {

    static Gateway gateway;
    static String sessionId;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(
                TestGateways.stdio("everything", Peers.everythingStdio()),
                TestGateways.stdio("missing", List.of("/nonexistent/forge-no-such-server")),
                TestGateways.stdio("crashing", List.of(Peers.node(), "-e", "process.exit(3)"))));
        HttpResponse<String> init = post(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(sessionId, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static HttpResponse<String> post(String session, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(gateway) + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode error(HttpResponse<String> response) {
        return Json.parse(response.body()).get("error");
    }

    @Test
    void malformedJsonIsAParseError() throws Exception {
        HttpResponse<String> response = post(sessionId, "{\"jsonrpc\":\"2.0\",\"id\":1,");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("code").asInt()).isEqualTo(-32700);
        assertThat(error(response).get("message").asString()).startsWith("Parse error");
    }

    @Test
    void jsonThatIsNotJsonRpcIsAnInvalidRequest() throws Exception {
        HttpResponse<String> response = post(sessionId, "{\"hello\":\"world\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("code").asInt()).isEqualTo(-32600);
        assertThat(error(response).get("message").asString()).contains("jsonrpc");
    }

    @Test
    void anUnknownMethodIsMethodNotFound() throws Exception {
        HttpResponse<String> response = post(sessionId, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/explode\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.parse(response.body()).get("id").asInt()).isEqualTo(7);
        assertThat(error(response).get("code").asInt()).isEqualTo(-32601);
        assertThat(error(response).get("message").asString()).contains("tools/explode");
    }

    @Test
    void anUnknownToolIsAnErrorNamingTheTool() throws Exception {
        HttpResponse<String> response = post(sessionId, """
                {"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"everything__nope","arguments":{}}}""");
        assertThat(error(response).get("code").asInt()).isEqualTo(-32602);
        assertThat(error(response).get("message").asString()).contains("everything__nope");
    }

    @Test
    void aRequestWithoutASessionIsRefusedWith400() throws Exception {
        HttpResponse<String> response = post(null, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("message").asString()).contains("Mcp-Session-Id");
    }

    @Test
    void anUnknownSessionIsRefusedWith404() throws Exception {
        HttpResponse<String> response = post("not-a-session", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response).get("message").asString()).contains("not-a-session");
    }

    @Test
    void anUnsupportedProtocolVersionHeaderIsRefusedWith400() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(gateway) + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Mcp-Session-Id", sessionId)
                .header("MCP-Protocol-Version", "1999-01-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}")).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("message").asString()).contains("1999-01-01");
    }

    @Test
    void aForeignOriginOrARebindingHostIsRefused() throws Exception {
        String init = dev.forge.support.RawMcp.initializeBody("{}");
        HttpRequest fromEvilPage = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(gateway) + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofString(init)).build();
        HttpResponse<String> refused = http.send(fromEvilPage, HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(error(refused).get("message").asString()).contains("Origin http://evil.example");
        HttpRequest fromLocalPage = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(gateway) + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Origin", "http://localhost:3000").POST(HttpRequest.BodyPublishers.ofString(init)).build();
        assertThat(http.send(fromLocalPage, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeletedSessionIsGone() throws Exception {
        HttpResponse<String> init = post(null, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpRequest delete = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(gateway) + "/mcp"))
                .header("Mcp-Session-Id", id).DELETE().build();
        assertThat(http.send(delete, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(post(id, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void downUpstreamsAreAbsentAndHealthSaysWhyWhileTheOthersWork() throws Exception {
        HttpResponse<String> list = post(sessionId, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}");
        List<String> names = Json.parse(list.body()).at("/result/tools").valueStream().map(t -> t.get("name").asString()).toList();
        assertThat(names).contains("everything__echo").noneMatch(n -> n.startsWith("missing__") || n.startsWith("crashing__"));

        HttpResponse<String> call = post(sessionId, """
                {"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"still here"}}}""");
        assertThat(call.body()).contains("Echo: still here");

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(gateway) + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(health.body());
        assertThat(body.get("status").asString()).isEqualTo("degraded");
        assertThat(body.at("/upstreams/everything/status").asString()).isEqualTo("ready");
        assertThat(body.at("/upstreams/missing/status").asString()).isEqualTo("failed");
        assertThat(body.at("/upstreams/missing/error").asString()).contains("cannot start").contains("/nonexistent/forge-no-such-server");
        assertThat(body.at("/upstreams/crashing/status").asString()).isEqualTo("failed");
        assertThat(body.at("/upstreams/crashing/error").asString()).contains("exited with code 3");
    }

    @Test
    void readyAndVersionAndMetricsAnswer() throws Exception {
        String base = TestGateways.baseUrl(gateway);
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(base + "/version")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Json.parse(version.body()).get("mcp_protocol_versions").toString()).contains("2025-11-25", "2024-11-05");
        post(sessionId, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"m\"}}}");
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body())
                .contains("forge_mcp_requests_seconds_count{method=\"tools/call\",outcome=\"ok\"")
                .contains("forge_mcp_requests_seconds_bucket")
                .contains("forge_upstream_state{state=\"failed\",upstream=\"missing\"} 1");
    }
}
