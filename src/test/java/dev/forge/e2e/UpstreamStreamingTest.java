package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forge.Gateway;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How Forge reads a Streamable HTTP upstream's response streams, against a scripted upstream that streams, breaks and
 * goes quiet on purpose (no real server does so on demand): each message is passed on the moment it arrives, a stream
 * that breaks before its answer is resumed with {@code Last-Event-ID}, and a call's timeout or a client's cancel ends
 * the exchange and reaches the upstream as {@code notifications/cancelled}.
 */
class UpstreamStreamingTest {

    private HttpServer upstream;
    private final CountDownLatch release = new CountDownLatch(1);
    private final BlockingQueue<JsonNode> cancels = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> resumedAfter = new LinkedBlockingQueue<>();
    private final CompletableFuture<JsonNode> heldRequestId = new CompletableFuture<>();
    private final BlockingQueue<JsonNode> samplingAnswers = new LinkedBlockingQueue<>();
    private final CountDownLatch lingerEnded = new CountDownLatch(1);
    private volatile JsonNode brokenCallId;
    private Gateway gateway;
    private RawMcp.Session session;

    @BeforeEach
    void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/mcp", this::answer);
        upstream.start();
        UpstreamPolicy policy = new UpstreamPolicy(Duration.ofSeconds(20), Map.of("quiet", Duration.ofMillis(800)),
                SessionMode.SHARED, UpstreamPolicy.DEFAULT_MAX_CONCURRENCY, Duration.ZERO);
        gateway = TestGateways.start(List.of(new UpstreamConfig.StreamableHttp("scripted",
                URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/mcp"), Map.of(), policy)));
        session = RawMcp.Session.open(TestGateways.baseUrl(gateway) + "/mcp");
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (gateway != null) gateway.close();
        upstream.stop(0);
    }

    @Test
    void progressReachesTheClientWhileTheUpstreamIsStillWorking() throws Exception {
        HttpResponse<java.io.InputStream> response = RawMcp.HTTP.send(RawMcp.post(session.url(), session.id(), """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"scripted__slow","arguments":{},"_meta":{"progressToken":"p1"}}}"""),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            JsonNode first = nextData(events);
            assertThat(first.path("method").asString()).as("the first message is the progress, sent before the upstream answers")
                    .isEqualTo("notifications/progress");
            assertThat(first.at("/params/progressToken").asString()).isEqualTo("p1");
            assertThat(release.getCount()).as("the upstream has not answered yet").isOne();
            release.countDown();
            JsonNode result = nextData(events);
            assertThat(result.at("/result/content/0/text").asString()).isEqualTo("done slowly");
        }
    }

    @Test
    void aStreamThatBreaksBeforeItsAnswerIsResumedAfterTheLastEventSeen() throws Exception {
        JsonNode answer = lastMessage(session.sendAsync("""
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"scripted__breaks","arguments":{}}}""").get(20, TimeUnit.SECONDS));
        assertThat(answer.at("/result/content/0/text").asString()).as(answer.toString()).isEqualTo("resumed answer");
        assertThat(resumedAfter.poll(5, TimeUnit.SECONDS)).as("the GET that resumed the stream named the last event").isEqualTo("ev-1");
    }

    @Test
    void aCallTimeoutEndsAQuietStreamAndTheUpstreamHearsTheCancel() throws Exception {
        long started = System.nanoTime();
        JsonNode answer = session.call("scripted__quiet", "{}").get(20, TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(answer.at("/error/data/failure").asString()).as(answer.toString()).isEqualTo("timed_out");
        assertThat(tookMs).as("bounded by the tool's 800 ms timeout, however the upstream streams").isLessThan(5_000);
        JsonNode cancel = cancels.poll(5, TimeUnit.SECONDS);
        assertThat(cancel).as("notifications/cancelled reached the upstream").isNotNull();
        assertThat(cancel.at("/params/requestId")).isEqualTo(heldRequestId.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aClientsCancelReachesTheUpstreamForTheRightRequest() throws Exception {
        CompletableFuture<HttpResponse<String>> call = session.sendAsync("""
                {"jsonrpc":"2.0","id":"c-7","method":"tools/call","params":{"name":"scripted__held","arguments":{}}}""");
        JsonNode upstreamId = heldRequestId.get(10, TimeUnit.SECONDS);
        session.send("""
                {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"c-7","reason":"user pressed stop"}}""");
        JsonNode cancel = cancels.poll(10, TimeUnit.SECONDS);
        assertThat(cancel).as("notifications/cancelled reached the upstream").isNotNull();
        assertThat(cancel.at("/params/requestId")).as("with the upstream's own id for the call").isEqualTo(upstreamId);
        call.get(10, TimeUnit.SECONDS); // and the client's request ends instead of hanging
    }

    @Test
    void aQuestionOnACallsStreamGoesToTheClientOfThatCallNotToTheNewestCall() throws Exception {
        // shared upstream session: two clients' calls on one connection; the question comes on the older call's stream
        RawMcp.Session asker = RawMcp.Session.open(session.url(), "{\"sampling\":{}}");
        CompletableFuture<HttpResponse<java.io.InputStream>> asking = RawMcp.HTTP.sendAsync(RawMcp.post(asker.url(), asker.id(), """
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"scripted__asks","arguments":{}}}"""),
                HttpResponse.BodyHandlers.ofInputStream());
        CompletableFuture<HttpResponse<String>> newer = session.sendAsync("""
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"scripted__held","arguments":{}}}""");
        try (BufferedReader events = new BufferedReader(new InputStreamReader(asking.get(10, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8))) {
            JsonNode question = nextData(events);
            assertThat(question.path("method").asString()).as("the asking client hears the question").isEqualTo("sampling/createMessage");
            asker.send("""
                    {"jsonrpc":"2.0","id":%s,"result":{"role":"assistant","content":{"type":"text","text":"answered by the asker"},"model":"m"}}"""
                    .formatted(question.get("id")));
            JsonNode result = nextData(events);
            assertThat(result.at("/result/content/0/text").asString()).isEqualTo("upstream got: answered by the asker");
        }
        release.countDown();
        assertThat(newer.get(10, TimeUnit.SECONDS).body()).doesNotContain("sampling/createMessage");
    }

    @Test
    void aStreamKeptOpenAfterItsAnswerIsClosedSoonAfter() throws Exception {
        long started = System.nanoTime();
        JsonNode answer = lastMessage(session.sendAsync("""
                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"scripted__lingers","arguments":{}}}""").get(10, TimeUnit.SECONDS));
        assertThat(answer.at("/result/content/0/text").asString()).isEqualTo("answered, staying open");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("the answer is not held back").isLessThan(4_000);
        assertThat(lingerEnded.await(15, TimeUnit.SECONDS)).as("the upstream saw its open stream closed (it holds a connection)").isTrue();
    }

    @Test
    void aBadRequestIsNotTakenForAForgottenSessionBecauseTheUrlSaysSession() throws Exception {
        UpstreamPolicy policy = new UpstreamPolicy(Duration.ofSeconds(20), Map.of(), SessionMode.SHARED,
                UpstreamPolicy.DEFAULT_MAX_CONCURRENCY, Duration.ZERO);
        try (Gateway named = TestGateways.start(List.of(new UpstreamConfig.StreamableHttp("sessions",
                URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/mcp?session-scoped=yes"), Map.of(), policy)))) {
            RawMcp.Session client = RawMcp.Session.open(TestGateways.baseUrl(named) + "/mcp");
            JsonNode answer = lastMessage(client.sendAsync("""
                    {"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"sessions__refused","arguments":{}}}""").get(10, TimeUnit.SECONDS));
            assertThat(answer.at("/error/data/failure").asString()).as(answer.toString()).isEqualTo("http_status");
            assertThat(answer.at("/error/data/status").asInt()).isEqualTo(400);
            dev.forge.upstream.Upstream sessions = named.federation().upstreams().stream().findFirst().orElseThrow();
            assertThat(sessions.restarts()).as("the connection was kept: a 400 about the arguments is not a lost session").isZero();
            assertThat(sessions.state()).isEqualTo(dev.forge.upstream.UpstreamState.READY);
        }
    }

    @Test
    void whatAStreamCarriesAfterItsAnswerStillGoesToThatCallsClient() throws Exception {
        RawMcp.Session asker = RawMcp.Session.open(session.url());
        CompletableFuture<HttpResponse<java.io.InputStream>> askersStream = RawMcp.HTTP.sendAsync(java.net.http.HttpRequest.newBuilder(
                URI.create(asker.url())).header("Accept", "text/event-stream").header("Mcp-Session-Id", asker.id()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        CompletableFuture<HttpResponse<String>> newer = session.sendAsync("""
                {"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"scripted__held","arguments":{}}}""");
        heldRequestId.get(10, TimeUnit.SECONDS); // another client's call is now the newest in flight
        HttpResponse<String> asked = asker.sendAsync("""
                {"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"scripted__afterwards","arguments":{}}}""").get(10, TimeUnit.SECONDS);
        JsonNode answer = lastMessage(asked);
        assertThat(answer.at("/result/content/0/text").asString()).isEqualTo("answered first");
        // when the upstream's whole stream arrives before the gateway has begun writing this call's answer, the line
        // travels with the answer itself: the asker has it either way, and the newer call's client never does
        try (BufferedReader events = new BufferedReader(new InputStreamReader(askersStream.get(10, TimeUnit.SECONDS).body(), StandardCharsets.UTF_8))) {
            if (asked.body().contains("said after the answer")) {
                release.countDown();
                assertThat(newer.get(10, TimeUnit.SECONDS).body()).doesNotContain("said after the answer");
                return;
            }
            CompletableFuture<JsonNode> late = CompletableFuture.supplyAsync(() -> {
                try {
                    return nextData(events);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(late.get(10, TimeUnit.SECONDS).at("/params/data").asString()).as("the asker's session stream has it")
                    .isEqualTo("said after the answer");
        }
        release.countDown();
        assertThat(newer.get(10, TimeUnit.SECONDS).body()).doesNotContain("said after the answer");
    }

    /** The response message of a plain JSON answer or the last event of an SSE one. */
    private static JsonNode lastMessage(HttpResponse<String> response) {
        String body = response.body();
        int data = body.lastIndexOf("data:");
        return Json.parse(data >= 0 ? body.substring(data + 5, body.indexOf('\n', data)).strip() : body);
    }

    @Test
    void aClientThatDropsItsConnectionMidCallHasTheCallCancelledUpstream() throws Exception {
        URI gatewayUrl = URI.create(session.url());
        String body = """
                {"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"scripted__chatty","arguments":{}}}""";
        try (java.net.Socket socket = new java.net.Socket(gatewayUrl.getHost(), gatewayUrl.getPort())) {
            socket.getOutputStream().write(("POST " + gatewayUrl.getPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "Mcp-Session-Id: " + session.id() + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            nextData(in); // the call is streaming: the upstream's messages reach this client
        } // and now the client is gone, its answer with nowhere to go
        JsonNode cancel = cancels.poll(15, TimeUnit.SECONDS);
        assertThat(cancel).as("the upstream heard notifications/cancelled for the abandoned call").isNotNull();
        assertThat(cancel.at("/params/requestId")).isEqualTo(heldRequestId.get(5, TimeUnit.SECONDS));
    }

    private static JsonNode nextData(BufferedReader events) throws IOException {
        String line;
        while ((line = events.readLine()) != null) {
            if (line.startsWith("data:")) {
                return Json.parse(line.substring(5).strip());
            }
        }
        throw new IOException("the stream ended");
    }

    private void answer(HttpExchange exchange) throws IOException {
        if (exchange.getRequestMethod().equals("GET")) {
            String after = exchange.getRequestHeaders().getFirst("Last-Event-ID");
            if (after == null || brokenCallId == null) {
                reply(exchange, 405, "");
                return;
            }
            resumedAfter.add(after);
            sse(exchange, "id: ev-2\ndata: " + result(brokenCallId, "resumed answer") + "\n\n", true);
            return;
        }
        if (exchange.getRequestMethod().equals("DELETE")) {
            reply(exchange, 200, "");
            return;
        }
        JsonNode message = Json.parse(exchange.getRequestBody().readAllBytes());
        String method = message.path("method").asString("");
        JsonNode id = message.get("id");
        switch (method) {
            case "initialize" -> {
                exchange.getResponseHeaders().add("Mcp-Session-Id", "scripted-session");
                reply(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"protocolVersion\":\"2025-06-18\","
                        + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"scripted\",\"version\":\"1\"}}}");
            }
            case "tools/list" -> reply(exchange, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"tools\":["
                    + tool("slow") + "," + tool("breaks") + "," + tool("quiet") + "," + tool("held") + "," + tool("chatty") + "," + tool("asks") + "," + tool("lingers") + "," + tool("refused") + "," + tool("afterwards") + "]}}");
            case "notifications/cancelled" -> {
                cancels.add(message);
                reply(exchange, 202, "");
            }
            case "tools/call" -> call(exchange, message, id);
            case "" -> { // an answer to our question
                samplingAnswers.add(message);
                reply(exchange, 202, "");
            }
            default -> reply(exchange, 202, "");
        }
    }

    private void call(HttpExchange exchange, JsonNode message, JsonNode id) throws IOException {
        switch (message.at("/params/name").asString()) {
            case "slow" -> {
                String token = message.at("/params/_meta/progressToken").toString();
                String progress = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":"
                        + token + ",\"progress\":1,\"total\":2}}";
                OutputStream out = sse(exchange, "data: " + progress + "\n\n", false);
                await();
                out.write(("data: " + result(id, "done slowly") + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.close();
            }
            case "breaks" -> {
                brokenCallId = id;
                // one event with an id, then the connection ends without the answer
                sse(exchange, "id: ev-1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                        + "\"params\":{\"level\":\"info\",\"data\":\"working\"}}\n\n", true);
            }
            case "asks" -> { // asks its client once a newer call (another client's) is waiting too, then reports the answer
                String held = heldRequestId.join().toString();
                OutputStream out = sse(exchange, "data: {\"jsonrpc\":\"2.0\",\"id\":\"q-1\",\"method\":\"sampling/createMessage\","
                        + "\"params\":{\"messages\":[],\"maxTokens\":10,\"_note\":\"newer call " + held + "\"}}\n\n", false);
                JsonNode answer;
                try {
                    answer = samplingAnswers.poll(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                String text = answer == null ? "no answer" : answer.at("/result/content/text").asString();
                out.write(("data: " + result(id, "upstream got: " + text) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.close();
            }
            case "afterwards" -> sse(exchange, "data: " + result(id, "answered first") + "\n\ndata: {\"jsonrpc\":\"2.0\","
                    + "\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"said after the answer\"}}\n\n", true);
            case "refused" -> reply(exchange, 400, "{\"error\":\"the arguments do not fit\"}");
            case "lingers" -> { // answers, then keeps the stream open with comments until the gateway hangs up
                OutputStream out = sse(exchange, "data: " + result(id, "answered, staying open") + "\n\n", false);
                try {
                    while (!release.await(100, TimeUnit.MILLISECONDS)) {
                        out.write(": still here\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    lingerEnded.countDown();
                }
            }
            case "chatty" -> { // a log line every 100 ms until told to stop (or cancelled)
                heldRequestId.complete(id);
                OutputStream out = sse(exchange, "", false);
                try {
                    while (release.getCount() > 0 && cancels.isEmpty()) {
                        out.write(("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":"
                                + "{\"level\":\"info\",\"data\":\"still working\"}}\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        release.await(100, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException | IOException e) {
                    // the gateway hung up: the call was abandoned
                }
                out.close();
            }
            case "quiet", "held" -> {
                heldRequestId.complete(id);
                OutputStream out = sse(exchange, ": keep-alive\n\n", false);
                await();
                out.close();
            }
            default -> reply(exchange, 200, result(id, "?"));
        }
    }

    private void await() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tool(String name) {
        return "{\"name\":\"" + name + "\",\"inputSchema\":{\"type\":\"object\"}}";
    }

    private static String result(JsonNode id, String text) {
        ObjectNode response = Json.object();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.putObject("result").putArray("content").addObject().put("type", "text").put("text", text);
        return Json.text(response);
    }

    private static OutputStream sse(HttpExchange exchange, String first, boolean end) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(first.getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (end) {
            out.close();
        }
        return out;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!body.isEmpty()) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
