package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forge.Gateway;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.LogCapture;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an MCP client learns when an upstream fails: the upstream's name, the kind of failure and a reference to
 * quote — never the upstream's URL (here with a password and an API key in it) or its error body (here with a
 * database password in it). The whole story is in the log under that reference, and in {@code /health} for admins,
 * with URLs masked. The upstream is a small Streamable HTTP server made to fail on purpose, one tool per way of
 * failing (no real server fails on demand).
 */
class UpstreamFailureTest {

    private static final String URL_PASSWORD = "url-password-hunter2";
    private static final String URL_KEY = "sk-live-api-key-4242";
    private static final String BODY_SECRET = "db-password-in-a-stack-trace";

    private HttpServer upstream;
    private final CountDownLatch released = new CountDownLatch(1);
    private LogCapture log;

    @BeforeEach
    void startFailingUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // a held request must not block the others
        upstream.createContext("/mcp", this::answer);
        upstream.start();
        log = LogCapture.capture();
    }

    @AfterEach
    void stop() {
        log.close();
        released.countDown();
        upstream.stop(0);
    }

    @Test
    void aClientLearnsTheUpstreamTheKindOfFailureAndAReferenceNeverTheInternals() throws Exception {
        String url = "http://forge:" + URL_PASSWORD + "@127.0.0.1:" + upstream.getAddress().getPort() + "/mcp?api_key=" + URL_KEY;
        UpstreamPolicy policy = new UpstreamPolicy(Duration.ofSeconds(2), Map.of(), SessionMode.SHARED,
                UpstreamPolicy.DEFAULT_MAX_CONCURRENCY, Duration.ZERO);
        try (Gateway gateway = TestGateways.start(List.of(new UpstreamConfig.StreamableHttp("flaky", URI.create(url), Map.of(), policy)))) {
            String base = TestGateways.baseUrl(gateway);
            RawMcp.Session session = RawMcp.Session.open(base + "/mcp");

            JsonNode status = call(session, "flaky__crash");
            assertClean("HTTP status", status);
            assertThat(status.at("/error/message").asString()).startsWith("Upstream 'flaky' answered with an HTTP error (HTTP 502; reference ");
            assertThat(status.at("/error/data/failure").asString()).isEqualTo("http_status");
            assertThat(status.at("/error/data/status").asInt()).isEqualTo(502);
            String reference = status.at("/error/data/reference").asString();
            assertThat(reference).matches("[0-9a-f]{12}").isNotBlank();

            JsonNode refused = call(session, "flaky__forbidden");
            assertClean("refused", refused);
            assertThat(refused.at("/error/data/failure").asString()).isEqualTo("refused");
            assertThat(refused.at("/error/message").asString()).startsWith("Upstream 'flaky' refused the request (HTTP 403; reference ");

            JsonNode garbage = call(session, "flaky__garbage");
            assertClean("protocol error", garbage);
            assertThat(garbage.at("/error/data/failure").asString()).isEqualTo("protocol_error");
            assertThat(garbage.at("/error/message").asString()).startsWith("Upstream 'flaky' broke the protocol (reference ");

            JsonNode hung = call(session, "flaky__hang");
            assertClean("timed out", hung);
            assertThat(hung.at("/error/data/failure").asString()).isEqualTo("timed_out");
            assertThat(hung.at("/error/message").asString()).contains("'flaky'").contains("(reference ");

            await().atMost(Duration.ofSeconds(5)).until(() -> log.text().contains("reference " + reference));
            String logged = log.text();
            assertThat(logged).as("the log tells the whole story under the reference")
                    .contains("reference " + reference).contains("HTTP 502").contains("upstream exploded")
                    .contains("forge:***@127.0.0.1").contains("api_key=***")
                    .doesNotContain(URL_PASSWORD).doesNotContain(URL_KEY);

            JsonNode health = Json.parse(RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            JsonNode last = health.at("/upstreams/flaky/last_failure");
            assertThat(last.path("failure").asString()).isIn("protocol_error", "refused", "http_status");
            assertThat(last.path("reference").asString()).matches("[0-9a-f]{12}");
            assertThat(health.toString()).doesNotContain(URL_PASSWORD).doesNotContain(URL_KEY);

            upstream.stop(0); // now nothing listens there
            JsonNode unreachable = call(session, "flaky__crash");
            assertClean("unreachable", unreachable);
            assertThat(unreachable.at("/error/data/failure").asString()).isEqualTo("unreachable");
            assertThat(unreachable.at("/error/message").asString()).startsWith("Upstream 'flaky' is unreachable (reference ");
        }
    }

    @Test
    void aStdioServerThatDiesMidCallIsReportedTheSameWayOnEachClientTransport() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(TestGateways.stdio("chaos", Peers.chaosStdio())))) {
            String base = TestGateways.baseUrl(gateway);
            HttpResponse<String> rpc = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/rpc"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
                            {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"chaos__crash","arguments":{}}}""")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode viaRpc = Json.parse(rpc.body());
            assertThat(viaRpc.at("/error/message").asString()).as("/rpc × stdio").startsWith("Upstream 'chaos' is unreachable (reference ");
            assertThat(viaRpc.at("/error/data/failure").asString()).isEqualTo("unreachable");
            assertThat(viaRpc.toString()).doesNotContain("exit").doesNotContain("code 7").doesNotContain("node");

            await().atMost(Duration.ofSeconds(30)).until(() -> Json.parse(RawMcp.HTTP.send(HttpRequest.newBuilder(
                    URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .at("/upstreams/chaos/status").asString().equals("ready"));
            JsonNode viaMcp = call(RawMcp.Session.open(base + "/mcp"), "chaos__crash");
            assertThat(viaMcp.at("/error/message").asString()).as("/mcp × stdio").startsWith("Upstream 'chaos' is unreachable (reference ");
            String reference = viaMcp.at("/error/data/reference").asString();
            await().atMost(Duration.ofSeconds(5)).until(() -> log.text().contains("reference " + reference));
            assertThat(log.text()).contains("reference " + reference + ": chaos: unavailable: process exited with code 7");
        }
    }

    @Test
    void aGatewaysUrlIsShownMaskedAndARoundTripKeepsTheRealOne() throws Exception {
        String url = "http://forge:" + URL_PASSWORD + "@127.0.0.1:" + upstream.getAddress().getPort() + "/mcp?api_key=" + URL_KEY;
        try (Gateway gateway = TestGateways.start(List.of())) {
            String base = TestGateways.baseUrl(gateway);
            HttpResponse<String> created = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/gateways"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"flaky\",\"url\":\"" + url + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.body()).doesNotContain(URL_PASSWORD).doesNotContain(URL_KEY).contains("api_key=***");
            JsonNode spec = Json.parse(created.body()).path("spec");
            ObjectNode resent = ((ObjectNode) spec).deepCopy();
            resent.put("name", "flaky");
            HttpResponse<String> updated = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/gateways/flaky"))
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Json.text(resent))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
            HttpResponse<String> exported = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/export?include_secrets=true")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(exported.body()).as("the masked URL sent back kept the stored one").contains(URL_PASSWORD).contains(URL_KEY);
        }
    }

    /** Nothing of the upstream's URL or error body reaches the client. */
    private static void assertClean(String cell, JsonNode answer) {
        assertThat(answer.has("error")).as(cell + ": " + answer).isTrue();
        assertThat(answer.at("/error/data/upstream").asString()).as(cell).isEqualTo("flaky");
        String text = answer.toString();
        for (String internal : List.of(URL_PASSWORD, URL_KEY, BODY_SECRET, "127.0.0.1", "/mcp", "http://")) {
            assertThat(text).as(cell + ": the client sees no " + internal).doesNotContain(internal);
        }
    }

    private static JsonNode call(RawMcp.Session session, String tool) throws Exception {
        HttpResponse<String> response = session.send("""
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"%s","arguments":{}}}""".formatted(tool));
        String body = response.body();
        int data = body.indexOf("data:");
        return Json.parse(data >= 0 ? body.substring(data + 5, body.indexOf('\n', data)).strip() : body);
    }

    private void answer(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            reply(exchange, 405, "text/plain", "");
            return;
        }
        JsonNode message = Json.parse(exchange.getRequestBody().readAllBytes());
        ObjectNode result = Json.object();
        switch (message.path("method").asString("")) {
            case "initialize" -> {
                result.put("protocolVersion", "2025-06-18");
                result.putObject("capabilities").putObject("tools");
                result.putObject("serverInfo").put("name", "flaky").put("version", "1");
            }
            case "tools/list" -> {
                var tools = result.putArray("tools");
                for (String name : List.of("crash", "forbidden", "garbage", "hang")) {
                    tools.addObject().put("name", name).putObject("inputSchema").put("type", "object");
                }
            }
            case "tools/call" -> {
                switch (message.path("params").path("name").asString("")) {
                    case "crash" -> reply(exchange, 502, "text/plain",
                            "upstream exploded: connect to postgresql://app:" + BODY_SECRET + "@db.internal/app failed");
                    case "forbidden" -> reply(exchange, 403, "application/json", "{\"detail\":\"this key was revoked\"}");
                    case "garbage" -> reply(exchange, 200, "application/json", "<html>" + BODY_SECRET + "</html>");
                    default -> {
                        try {
                            released.await(); // never answered while the test runs
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        reply(exchange, 503, "text/plain", "");
                    }
                }
                return;
            }
            case "ping" -> { }
            default -> {
                reply(exchange, 202, "text/plain", "");
                return;
            }
        }
        ObjectNode response = Json.object();
        response.put("jsonrpc", "2.0");
        response.set("id", message.get("id"));
        response.set("result", result);
        reply(exchange, 200, "application/json", Json.text(response));
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
