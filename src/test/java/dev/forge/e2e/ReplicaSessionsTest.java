package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.DatabaseUrl;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas sharing Redis (and a registry): a session begun on one is served by the other, and whatever crosses
 * between them arrives — a message for a stream the other replica holds, a client's answer to a question the other
 * asked, a cancellation of a call the other runs, the end of the session. Each test sends each request to the replica
 * it names, as a round-robin balancer would.
 */
class ReplicaSessionsTest {

    static Gateway a;
    static Gateway b;

    @BeforeAll
    static void start() throws Exception {
        DatabaseUrl shared = DatabaseUrl.parse("test", "sqlite:///" + Files.createTempDirectory("forge-sessions").resolve("mcp.db"));
        ForgeConfig config = TestGateways.config(List.of(TestGateways.stdio("probe", Peers.probe()),
                        TestGateways.perClientStdio("solo", Peers.probe())), List.of()).withDatabase(shared)
                .withSecurity(TestGateways.security(Map.of("REDIS_URL", "redis://127.0.0.1:6379/0", "RATE_LIMIT_PER_MINUTE", "0")));
        a = TestGateways.start(config);
        b = TestGateways.start(config);
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private static String mcp(Gateway replica) {
        return TestGateways.baseUrl(replica) + "/mcp";
    }

    /** The same session, its requests sent to another replica. */
    private static RawMcp.Session on(Gateway replica, RawMcp.Session session) {
        return new RawMcp.Session(mcp(replica), session.id());
    }

    private static String call(String id, String tool, String arguments) {
        return """
                {"jsonrpc":"2.0","id":"%s","method":"tools/call","params":{"name":"%s","arguments":%s}}""".formatted(id, tool, arguments);
    }

    /** The data lines of an SSE response as they arrive, parsed. */
    private static BlockingQueue<JsonNode> events(HttpResponse<Stream<String>> response) {
        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> response.body().filter(l -> l.startsWith("data:"))
                .forEach(l -> events.add(Json.parse(l.substring(5).trim()))));
        return events;
    }

    private static JsonNode next(BlockingQueue<JsonNode> events, String what) throws InterruptedException {
        JsonNode event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).as(what).isNotNull();
        return event;
    }

    @Test
    void aSessionBegunOnOneReplicaIsServedByTheOtherAndEndsOnBoth() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(mcp(a));
        JsonNode answer = Json.parse(on(b, session).send(call("1", "probe__echo", "{\"message\":\"across\"}")).body());
        assertThat(answer.path("result").path("content").get(0).path("text").asString()).contains("across");
        assertThat(on(b, session).send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").body()).contains("probe__echo");

        session.delete(); // on A
        await("the session ended on B too").atMost(Duration.ofSeconds(2))
                .until(() -> on(b, session).send(call("3", "probe__echo", "{\"message\":\"x\"}")).statusCode() == 404);
    }

    @Test
    void aCallToAPerClientUpstreamIsServedWhereTheSessionBeganWhicheverReplicaItLandsOn() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(mcp(a));
        String tag = "owner-" + System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiting = on(b, session).sendAsync(call("p1", "solo__wait-for-cancel",
                "{\"tag\":\"" + tag + "\"}"));
        // the client's own probe process runs on A, where the session began: A's is the one waiting
        String status = call("s", "solo__cancellations", "{\"tag\":\"" + tag + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> on(a, session).send(status).body().contains("\\\"waiting\\\":true"));
        // a completion and a log level for the same client: served by A too, not by a second upstream session on B
        assertThat(on(b, session).send("""
                {"jsonrpc":"2.0","id":"c","method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"solo__greet"},"argument":{"name":"name","value":"a"}}}""")
                .body()).contains("\"completion\"");
        assertThat(on(b, session).send("{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"logging/setLevel\",\"params\":{\"level\":\"debug\"}}")
                .body()).contains("\"result\"");
        assertThat(b.federation().find("solo").clientSessions()).as("per-client upstream sessions opened on B").isZero();
        on(b, session).send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"p1\"}}");
        assertThat(waiting.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(on(b, session).send(status).body()).as("asked through B, answered by A's process").contains("requestId");
    }

    @Test
    void aCancellationSentToOneReplicaReachesTheCallTheOtherRuns() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(mcp(a));
        String tag = "cross-" + System.nanoTime();
        CompletableFuture<HttpResponse<String>> waiting = on(b, session).sendAsync(call("w1", "probe__wait-for-cancel",
                "{\"tag\":\"" + tag + "\"}"));
        String status = call("s", "probe__cancellations", "{\"tag\":\"" + tag + "\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> on(b, session).send(status).body().contains("\\\"waiting\\\":true"));

        on(a, session).send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"w1\",\"reason\":\"enough\"}}");
        waiting.get(10, TimeUnit.SECONDS);
        await("B's upstream saw the cancel sent to A").atMost(Duration.ofSeconds(10))
                .until(() -> on(b, session).send(status).body().contains("w1") || on(b, session).send(status).body().contains("requestId"));
    }

    @Test
    void aQuestionAskedByOneReplicaIsAnsweredThroughTheOther() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(mcp(a), "{\"sampling\":{}}");
        HttpResponse<Stream<String>> call = RawMcp.HTTP.send(RawMcp.post(mcp(b), session.id(),
                call("q1", "probe__ask-sampling", "{\"prompt\":\"colour?\"}")), HttpResponse.BodyHandlers.ofLines());
        BlockingQueue<JsonNode> events = events(call);
        JsonNode question = next(events, "the sampling request on B's call stream");
        assertThat(question.path("method").asString()).isEqualTo("sampling/createMessage");

        String reply = """
                {"jsonrpc":"2.0","id":%s,"result":{"role":"assistant","model":"m","content":{"type":"text","text":"teal"}}}"""
                .formatted(Json.text(question.get("id")));
        assertThat(on(a, session).send(reply).statusCode()).isEqualTo(202); // the answer lands on A
        JsonNode result = next(events, "the tool's result on B once A passed the answer on");
        assertThat(result.path("result").path("content").get(0).path("text").asString()).isEqualTo("sampled: teal");
    }

    @Test
    void whatOneReplicaHasForAStreamTheOtherHoldsIsDeliveredThere() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(mcp(a));
        HttpResponse<Stream<String>> stream = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(mcp(a)))
                .header("Accept", "text/event-stream").header("Mcp-Session-Id", session.id()).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        BlockingQueue<JsonNode> events = events(stream);
        String uri = "probe://stdio/item/7";
        await().atMost(Duration.ofSeconds(5)).until(() -> on(b, session).send("{\"jsonrpc\":\"2.0\",\"id\":\"sub\",\"method\":\"resources/subscribe\",\"params\":{\"uri\":\"" + uri + "\"}}")
                        .body().contains("\"result\""));
        // B's upstream tells B the resource changed; the stream that should hear it is on A
        await().atMost(Duration.ofSeconds(5)).until(() -> b.federation().find("probe") != null);
        assertThat(on(b, session).send(call("t", "probe__touch", "{\"uri\":\"" + uri + "\"}")).body()).contains("touched");
        JsonNode updated = next(events, "resources/updated on A's stream");
        while (!"notifications/resources/updated".equals(updated.path("method").asString())) {
            updated = next(events, "resources/updated on A's stream");
        }
        assertThat(updated.path("params").path("uri").asString()).isEqualTo(uri);
    }

    @Test
    void aLegacySseClientsAnswersComeOnItsStreamWhicheverReplicaTakesItsPosts() throws Exception {
        HttpResponse<Stream<String>> stream = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(a) + "/sse"))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> stream.body().forEach(lines::add));
        String endpoint = null;
        while (endpoint == null) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("the endpoint event").isNotNull();
            if (line.startsWith("data:") && line.contains("session_id")) {
                endpoint = line.substring(5).trim();
            }
        }
        String post = TestGateways.baseUrl(b) + endpoint; // its messages go to B
        for (String body : List.of(RawMcp.initializeBody("{}").replace("\"id\":0", "\"id\":\"init\""),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", call("e1", "probe__echo", "{\"message\":\"legacy\"}"))) {
            HttpResponse<String> accepted = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(post)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(body).isBetween(200, 202);
        }
        String echoed = null;
        while (echoed == null) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("the echo's answer on A's stream").isNotNull();
            if (line.startsWith("data:") && line.contains("\"e1\"")) {
                echoed = line;
            }
        }
        assertThat(echoed).contains("legacy");
    }
}
