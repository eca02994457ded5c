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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * MCP 2026-07-28 at the HTTP edge, byte for byte: what a modern request must carry (envelope, headers) and the
 * status and code each fault gets, what only the modern era has (server/discover, subscriptions/listen, cache
 * hints), and both eras on one endpoint. Upstream: server-everything over stdio.
 */
class ModernEdgeTest {

    static final String VERSION = "2026-07-28";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())));
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static String envelope(String version) {
        return """
                "_meta":{"io.modelcontextprotocol/protocolVersion":"%s",
                "io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}"""
                .formatted(version);
    }

    static String request(Object id, String method, String params) {
        String inner = params.isEmpty() ? envelope(VERSION) : params + "," + envelope(VERSION);
        return "{\"jsonrpc\":\"2.0\",\"id\":" + Json.text(Json.valueToTree(id)) + ",\"method\":\"" + method + "\",\"params\":{" + inner + "}}";
    }

    /** The headers a modern request carries, for this method (and name); override or drop them per test. */
    static Map<String, String> headers(String method, String name) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json, text/event-stream");
        headers.put("MCP-Protocol-Version", VERSION);
        headers.put("Mcp-Method", method);
        if (name != null) {
            headers.put("Mcp-Name", name);
        }
        return headers;
    }

    static HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/mcp")).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode answer(HttpResponse<String> response) {
        String body = response.body();
        if (body.startsWith("event:") || body.startsWith("data:")) { // an SSE answer: its last data line
            body = body.lines().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).orElseThrow().substring(5).trim();
        }
        return Json.parse(body);
    }

    @Test
    void discoverNamesTheModernRevisionAndMakesNoSession() throws Exception {
        HttpResponse<String> response = post(request(1, "server/discover", ""), headers("server/discover", null));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
        JsonNode result = answer(response).path("result");
        assertThat(result.path("supportedVersions").toString()).contains(VERSION);
        assertThat(result.path("resultType").asString()).isEqualTo("complete");
        assertThat(result.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asString()).isEqualTo("forge");
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.has("ttlMs")).isTrue();
        assertThat(result.path("cacheScope").asString()).isEqualTo("private");
    }

    @Test
    void eachFaultOfTheEnvelopeOrHeadersGetsTheSpecsStatusAndCode() throws Exception {
        String list = request(2, "tools/list", "");
        Map<String, String> noVersion = headers("tools/list", null);
        noVersion.remove("MCP-Protocol-Version");
        assertFault(post(list, noVersion), 400, -32020, "MCP-Protocol-Version");

        assertFault(post(list, headers("prompts/list", null)), 400, -32020, "Mcp-Method");

        String call = request(3, "tools/call", "\"name\":\"everything__echo\",\"arguments\":{\"message\":\"x\"}");
        assertFault(post(call, headers("tools/call", null)), 400, -32020, "Mcp-Name");
        assertFault(post(call, headers("tools/call", "everything__get-sum")), 400, -32020, "everything__echo");

        HttpResponse<String> unsupported = post(list.replace(VERSION, "2099-01-01"), headers("tools/list", null));
        assertFault(unsupported, 400, -32022, "2099-01-01");
        assertThat(answer(unsupported).path("error").path("data").path("supported").toString()).contains(VERSION);

        String noCapabilities = list.replace(",\n\"io.modelcontextprotocol/clientCapabilities\":{}", "")
                .replace("\"io.modelcontextprotocol/clientCapabilities\":{},", "");
        assertThat(noCapabilities).doesNotContain("clientCapabilities");
        assertFault(post(noCapabilities, headers("tools/list", null)), 400, -32602, "clientCapabilities");

        assertFault(post(request(4, "ping", ""), headers("ping", null)), 404, -32601, "ping");
        assertFault(post(request(5, "logging/setLevel", "\"level\":\"info\""), headers("logging/setLevel", null)), 404, -32601,
                "logLevel");

        // a legacy request that says it is modern in its header only
        String legacy = "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/list\",\"params\":{}}";
        assertFault(post(legacy, headers("tools/list", null)), 400, -32602, "io.modelcontextprotocol/protocolVersion");

        assertFault(post("[" + list + "]", headers("tools/list", null)), 400, -32600, "batch");

        assertFault(post(request(12, "foo/bar", ""), headers("foo/bar", null)), 404, -32601, "foo/bar");

        String stale = request(7, "tools/call", "\"name\":\"everything__echo\",\"arguments\":{},\"requestState\":\"forge-made-up\"");
        assertFault(post(stale, headers("tools/call", "everything__echo")), 400, -32602, "requestState");
    }

    static void assertFault(HttpResponse<String> response, int status, int code, String named) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = answer(response).path("error");
        assertThat(error.path("code").asInt()).as(response.body()).isEqualTo(code);
        assertThat(error.path("message").asString()).as(response.body()).contains(named);
    }

    @Test
    void aNameHeaderSentAsBase64IsDecodedBeforeItIsCompared() throws Exception {
        String call = request(8, "tools/call", "\"name\":\"everything__echo\",\"arguments\":{\"message\":\"b64\"}");
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("everything__echo".getBytes(StandardCharsets.UTF_8)) + "?=";
        HttpResponse<String> response = post(call, headers("tools/call", encoded));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = answer(response).path("result");
        assertThat(result.toString()).contains("Echo: b64");
        assertThat(result.path("resultType").asString()).isEqualTo("complete");
    }

    @Test
    void listsCarryCacheHintsAndComeInTheSameOrderEachTime() throws Exception {
        JsonNode first = answer(post(request(9, "tools/list", ""), headers("tools/list", null))).path("result");
        JsonNode second = answer(post(request(10, "tools/list", ""), headers("tools/list", null))).path("result");
        assertThat(first.path("ttlMs").asLong()).isPositive();
        assertThat(first.path("cacheScope").asString()).isEqualTo("private");
        assertThat(first.path("tools")).isEqualTo(second.path("tools"));
        assertThat(first.path("tools").size()).isGreaterThan(5);
    }

    @Test
    void bothErasAreServedOnOneEndpoint() throws Exception {
        Map<String, String> legacy = new LinkedHashMap<>();
        legacy.put("Content-Type", "application/json");
        legacy.put("Accept", "application/json, text/event-stream");
        HttpResponse<String> init = post("""
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},
                "clientInfo":{"name":"legacy","version":"1"}}}""", legacy);
        assertThat(init.statusCode()).isEqualTo(200);
        assertThat(init.headers().firstValue("Mcp-Session-Id")).isPresent();
        assertThat(answer(init).path("result").path("protocolVersion").asString()).isEqualTo("2025-11-25");
        HttpResponse<String> modern = post(request(11, "tools/list", ""), headers("tools/list", null));
        assertThat(modern.statusCode()).isEqualTo(200);
        assertThat(answer(modern).path("result").path("tools").size()).isGreaterThan(5);
    }

    @Test
    void aListenStreamAcknowledgesThenCarriesTheChangesItAskedForAndEndsOnCancel() throws Exception {
        HttpRequest.Builder listen = HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString(request("listen-1", "subscriptions/listen",
                        "\"notifications\":{\"toolsListChanged\":true}")));
        headers("subscriptions/listen", null).forEach(listen::header);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        var stream = HTTP.sendAsync(listen.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().filter(l -> l.startsWith("data:")).forEach(l -> lines.add(l.substring(5).trim())));
        JsonNode ack = Json.parse(next(lines));
        assertThat(ack.path("method").asString()).isEqualTo("notifications/subscriptions/acknowledged");
        assertThat(ack.path("params").path("notifications").path("toolsListChanged").asBoolean()).isTrue();
        assertThat(ack.path("params").path("_meta").path("io.modelcontextprotocol/subscriptionId").asString()).isEqualTo("listen-1");

        // the catalog changes: a second upstream is registered
        List<String> everything = Peers.everythingStdio();
        ContextForgeFlowTest.call("POST", base + "/gateways", """
                {"name":"second","transport":"STDIO","command":["%s","%s","stdio"],"session_mode":"shared"}"""
                .formatted(everything.get(0), everything.get(1)));
        JsonNode changed = Json.parse(next(lines));
        assertThat(changed.path("method").asString()).isEqualTo("notifications/tools/list_changed");
        assertThat(changed.path("params").path("_meta").path("io.modelcontextprotocol/subscriptionId").asString()).isEqualTo("listen-1");

        String cancel = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"listen-1\","
                + envelope(VERSION) + "}}";
        Map<String, String> noMethod = headers("notifications/cancelled", null);
        noMethod.remove("Mcp-Method"); // as the TypeScript SDK sends it
        assertThat(post(cancel, noMethod).statusCode()).isEqualTo(202);
        JsonNode end = Json.parse(Stream.generate(() -> next(lines)).filter(l -> l.contains("\"id\"")).findFirst().orElseThrow());
        assertThat(end.path("id").asString()).isEqualTo("listen-1");
        assertThat(end.path("result").path("resultType").asString()).isEqualTo("complete");
        stream.get(10, TimeUnit.SECONDS); // and the stream ends
    }

    static String next(BlockingQueue<String> lines) {
        try {
            String line = lines.poll(20, TimeUnit.SECONDS);
            assertThat(line).as("a message on the listen stream within 20 s").isNotNull();
            return line;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLegacyUpstreamsQuestionIsARoundTheRetryAnswers() throws Exception {
        String capable = ",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{}}}";
        String first = "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"everything__trigger-sampling-request\",\"arguments\":{\"prompt\":\"hi\"}" + capable + "}}";
        JsonNode round = answer(post(first, headers("tools/call", "everything__trigger-sampling-request"))).path("result");
        assertThat(round.path("resultType").asString()).as(round.toString()).isEqualTo("input_required");
        String key = round.path("inputRequests").propertyNames().iterator().next();
        assertThat(round.path("inputRequests").path(key).path("method").asString()).isEqualTo("sampling/createMessage");
        String state = round.path("requestState").asString();
        String answer = "\"inputResponses\":{\"" + key + "\":{\"role\":\"assistant\",\"content\":{\"type\":\"text\","
                + "\"text\":\"answered by raw\"},\"model\":\"m\",\"stopReason\":\"endTurn\"}},\"requestState\":\"" + state + "\"";
        String retry = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"everything__trigger-sampling-request\",\"arguments\":{\"prompt\":\"%s\"}," + answer + capable + "}}";
        Map<String, String> headers = headers("tools/call", "everything__trigger-sampling-request");
        assertFault(post(retry.formatted(20, "hi"), headers), 400, -32600, "id of its own");
        assertFault(post(retry.formatted(21, "something else"), headers), 400, -32602, "requestState");
        HttpResponse<String> done = post(retry.formatted(22, "hi"), headers);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode result = answer(done);
        assertThat(result.path("id").asInt()).isEqualTo(22);
        assertThat(result.path("result").toString()).contains("answered by raw");
        assertThat(result.path("result").path("resultType").asString()).isEqualTo("complete");
        // the call is over: its state is no longer good
        assertFault(post(retry.formatted(23, "hi"), headers), 400, -32602, "requestState");
    }
}
