package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TwoReplicas;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A modern client (MCP 2026-07-28, no session) whose requests land on different replicas (Redis, PostgreSQL): what one
 * replica holds — a call waiting for the client's retry, a task — is served wherever the next request lands, the
 * request replayed on the replica named in the requestState or task id. Each test sends the first request to replica
 * A and what follows to replica B, so every one of them crosses (a balancer would cross only some of the time).
 */
class ReplicatedModernTest {

    static final String SECRET = "replicated-modern-secret-0123456789-abcdef";
    /** As in production: a token on every request (and an authenticated caller's cancel is the one told to all). */
    static final String TOKEN = dev.forge.support.Tokens.hs256(SECRET, dev.forge.support.Tokens.claims("client@example.com")
            .claim("role", "developer").build());
    static Gateway a;
    static Gateway b;
    static TwoReplicas replicas;
    static Path probeState;

    @BeforeAll
    static void start() throws Exception {
        probeState = Files.createTempDirectory("forge-replicated-probe"); // shared: either replica's probe reports cancels
        replicas = TwoReplicas.start("forge_modern", database -> TestGateways.config(List.of(TestGateways.stdio("probe", Peers.probe(),
                        Map.of("PROBE_STATE_DIR", probeState.toString()))), List.of())
                .withDatabase(database)
                .withSecurity(TestGateways.security(Map.of("REDIS_URL", "redis://127.0.0.1:6379/0", "RATE_LIMIT_PER_MINUTE", "0",
                        "JWT_SECRET", SECRET)))
                .withTaskAfter(Duration.ofMillis(300))
                .withRoles(java.util.EnumSet.of(dev.forge.config.ServerRole.GATEWAY, dev.forge.config.ServerRole.SERVICE_MANAGER),
                        new dev.forge.config.ServiceManagerConfig(0, List.of(new dev.forge.config.ConfigLoader(Map.of()).service("test",
                                Json.parse("{\"name\":\"svc-probe\",\"command\":" + Json.text(Json.valueToTree(Peers.probe())) + "}"),
                                Duration.ofSeconds(20))), List.of(), false, URI.create("http://127.0.0.1:0"))));
        a = replicas.a();
        b = replicas.b();
    }

    @AfterAll
    static void stop() throws Exception {
        if (replicas != null) replicas.close();
    }

    @Test
    void aRetryWithInputResponsesOnAnotherReplicaCarriesTheCallOn() throws Exception {
        JsonNode round = send(a, ModernTasksTest.request("ask-1", "tools/call",
                "\"name\":\"probe__ask-elicitation\",\"arguments\":{}", ModernTasksTest.TAKES_NONE), "tools/call", "probe__ask-elicitation", 200)
                .path("result");
        assertThat(round.path("resultType").asString()).as("replica A's first round: " + round).isEqualTo("input_required");
        String key = round.path("inputRequests").propertyNames().iterator().next();
        String state = round.path("requestState").asString();

        JsonNode done = send(b, ModernTasksTest.request("ask-2", "tools/call", "\"name\":\"probe__ask-elicitation\",\"arguments\":{},"
                + "\"requestState\":\"" + state + "\",\"inputResponses\":{\"" + key + "\":{\"action\":\"accept\",\"content\":"
                + "{\"color\":\"blue\"}}}", ModernTasksTest.TAKES_NONE), "tools/call", "probe__ask-elicitation", 200);
        assertThat(done.path("id").asString()).isEqualTo("ask-2");
        assertThat(done.path("result").path("resultType").asString()).as("the retry on replica B: " + done).isEqualTo("complete");
        assertThat(done.path("result").toString()).contains("elicited: accept blue");
    }

    /** The service manager's own listener: the retry is replayed on the same listener of the other replica. */
    @Test
    void aRetryOnTheServiceManagersListenerOfAnotherReplicaCarriesTheCallOn() throws Exception {
        String tool = "ask-elicitation";
        JsonNode round = send(serviceEndpoint(a), ModernTasksTest.request("svc-1", "tools/call", "\"name\":\"" + tool + "\",\"arguments\":{}",
                ModernTasksTest.TAKES_NONE), "tools/call", tool, 200).path("result");
        assertThat(round.path("resultType").asString()).as(round.toString()).isEqualTo("input_required");
        String key = round.path("inputRequests").propertyNames().iterator().next();
        JsonNode done = send(serviceEndpoint(b), ModernTasksTest.request("svc-2", "tools/call", "\"name\":\"" + tool + "\",\"arguments\":{},"
                + "\"requestState\":\"" + round.path("requestState").asString() + "\",\"inputResponses\":{\"" + key
                + "\":{\"action\":\"accept\",\"content\":{\"color\":\"red\"}}}", ModernTasksTest.TAKES_NONE), "tools/call", tool, 200);
        assertThat(done.path("result").toString()).as("the retry on replica B's service-manager port").contains("elicited: accept red");
    }

    private static String serviceEndpoint(Gateway replica) {
        return "http://127.0.0.1:" + replica.serviceManagerPort() + "/services/svc-probe/mcp";
    }

    @Test
    void aTaskBegunOnOneReplicaIsFollowedAnsweredAndListenedToOnAnother() throws Exception {
        String taskId = ModernTasksTest.handle(send(a, ModernTasksTest.request("task-ask", "tools/call",
                "\"name\":\"probe__ask-elicitation\",\"arguments\":{\"delayMs\":600}", ModernTasksTest.TAKES_TASKS),
                "tools/call", "probe__ask-elicitation", 200));
        BlockingQueue<String> lines = listen(b, taskId);
        JsonNode ack = Json.parse(ModernEdgeTest.next(lines));
        assertThat(ack.path("params").path("notifications").path("taskIds").toString())
                .as("replica B's listen follows replica A's task").isEqualTo("[\"" + taskId + "\"]");

        JsonNode waiting = pollUntil(b, taskId, "input_required");
        String key = waiting.path("inputRequests").propertyNames().iterator().next();
        JsonNode ack2 = onTask(b, "tasks/update", taskId, "\"inputResponses\":{\"" + key + "\":{\"action\":\"accept\",\"content\":"
                + "{\"color\":\"green\"}}}", 200);
        assertThat(ack2.path("result").path("resultType").asString()).isEqualTo("complete");
        assertThat(pollUntil(b, taskId, "completed").path("result").toString()).contains("elicited: accept green");

        JsonNode state;
        do { // the listen stream saw it through to the end
            state = Json.parse(ModernEdgeTest.next(lines));
        } while (!"completed".equals(state.path("params").path("status").asString()));
        assertThat(state.path("params").path("taskId").asString()).isEqualTo(taskId);
    }

    @Test
    void aTaskCancelledOnAnotherReplicaCancelsTheUpstreamsCall() throws Exception {
        String taskId = ModernTasksTest.handle(send(a, ModernTasksTest.request("task-cancel", "tools/call",
                "\"name\":\"probe__wait-for-cancel\",\"arguments\":{\"tag\":\"replicated-cancel\"}", ModernTasksTest.TAKES_TASKS),
                "tools/call", "probe__wait-for-cancel", 200));
        onTask(b, "tasks/cancel", taskId, "", 200);
        assertThat(pollUntil(b, taskId, "cancelled").has("result")).isFalse();
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos(); // well within the upstream's 20 s timeout
        String seen;
        do { // the probe, on replica A, hears of it as notifications/cancelled
            seen = send(a, ModernTasksTest.request("cancels-" + System.nanoTime(), "tools/call",
                    "\"name\":\"probe__cancellations\",\"arguments\":{\"tag\":\"replicated-cancel\"}", ModernTasksTest.TAKES_NONE),
                    "tools/call", "probe__cancellations", 200).path("result").toString();
        } while (!seen.contains("\\\"waiting\\\":false") && System.nanoTime() < end);
        assertThat(seen).contains("\\\"waiting\\\":false").contains("replicated-cancel");
    }

    @Test
    void aCancelSentToAnotherReplicaCancelsTheCallWhereItRuns() throws Exception {
        String call = ModernTasksTest.request("cancel-me", "tools/call",
                "\"name\":\"probe__wait-for-cancel\",\"arguments\":{\"tag\":\"replicated-notification\"}", ModernTasksTest.TAKES_NONE);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(a) + "/mcp"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(call));
        headers("tools/call", "probe__wait-for-cancel").forEach(request::header);
        var running = ModernEdgeTest.HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        long started = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (!cancellations("replicated-notification").path("waiting").asBoolean(false)) { // the upstream has the call
            assertThat(System.nanoTime()).as("the probe got the call within 8 s").isLessThan(started);
        }

        String cancel = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"cancel-me\","
                + "\"reason\":\"the user gave up\",\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        HttpRequest.Builder toB = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(b) + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString(cancel));
        headers("notifications/cancelled", null).forEach(toB::header);
        assertThat(ModernEdgeTest.HTTP.send(toB.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);

        // well within the upstream's 20 s timeout, which would cancel the call all the same
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        JsonNode seen;
        do { // the probe, on replica A, hears of it as notifications/cancelled
            seen = cancellations("replicated-notification");
        } while (seen.path("cancelled").isEmpty() && System.nanoTime() < end);
        assertThat(seen.path("cancelled").toString()).as("the cancel sent to replica B reached the call on replica A")
                .contains("replicated-notification");
        assertThat(seen.path("waiting").asBoolean(true)).isFalse();
        assertThat(running.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode()).as("the cancelled call's request ends").isEqualTo(200);
    }

    /** What the replica waiting on a hop relies on: the stream opens at once, not when the call's answer is ready. */
    @Test
    void aReplicaOpensTheStreamOfAReplayedCallAtOnce() throws Exception {
        JsonNode round = send(a, ModernTasksTest.request("tag-of-a", "tools/call", "\"name\":\"probe__ask-elicitation\",\"arguments\":{}",
                ModernTasksTest.TAKES_NONE), "tools/call", "probe__ask-elicitation", 200).path("result");
        String tagOfA = round.path("requestState").asString().split("-")[1];
        HttpRequest.Builder replayed = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(a) + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString(ModernTasksTest.request("slow", "tools/call",
                        "\"name\":\"probe__echo\",\"arguments\":{\"message\":\"late\",\"delayMs\":3000}", ModernTasksTest.TAKES_NONE)))
                .header("Forge-Replica-Hop", tagOfA);
        headers("tools/call", "probe__echo").forEach(replayed::header);
        long sent = System.nanoTime();
        HttpResponse<java.util.stream.Stream<String>> opened = ModernEdgeTest.HTTP.send(replayed.build(), HttpResponse.BodyHandlers.ofLines());
        long openedMs = (System.nanoTime() - sent) / 1_000_000;
        assertThat(opened.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(openedMs).as("the stream opened before the 3 s call ended").isLessThan(2_500);
        assertThat(opened.body().filter(l -> l.startsWith("data:")).reduce((x, y) -> y).orElseThrow()).contains("echo: late");
    }

    @Test
    void aHopMeantForAnotherReplicaIsRefusedAsMisdirected() throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(a) + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString(ModernTasksTest.request("hop", "tools/list", "", ModernTasksTest.TAKES_NONE)))
                .header("Forge-Replica-Hop", "0badc0de"); // a tag's length, not this replica's
        headers("tools/list", null).forEach(request::header);
        HttpResponse<String> refused = ModernEdgeTest.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as("an address that outlived its replica, now another's").isEqualTo(421);
        assertThat(refused.body()).contains("not replica 0badc0de");
        // the legacy SSE endpoint's posts too
        HttpResponse<String> legacy = ModernEdgeTest.HTTP.send(HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(a)
                        + "/message?session_id=any")).header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .header("Forge-Replica-Hop", "0badc0de").POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,"
                        + "\"method\":\"tools/list\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(legacy.statusCode()).as(legacy.body()).isEqualTo(421);
    }

    @Test
    void anIdNamingAReplicaThatIsNotRunningGetsAClearError() throws Exception {
        JsonNode task = onTask(b, "tasks/get", "task-0badc0de-0123", "", 400).path("error");
        assertThat(task.path("code").asInt()).isEqualTo(-32602);
        assertThat(task.path("message").asString()).contains("task-0badc0de-0123").contains("no longer running");
        JsonNode retry = send(b, ModernTasksTest.request("stale", "tools/call", "\"name\":\"probe__ask-elicitation\",\"arguments\":{},"
                + "\"requestState\":\"forge-0badc0de-0123\",\"inputResponses\":{}", ModernTasksTest.TAKES_NONE),
                "tools/call", "probe__ask-elicitation", 400).path("error");
        assertThat(retry.path("code").asInt()).isEqualTo(-32602);
        assertThat(retry.path("message").asString()).contains("no longer running").contains("without requestState");
    }

    /** What the probe server saw of the calls tagged so: whether one waits now, and the cancels it got. */
    private static JsonNode cancellations(String tag) throws Exception {
        return Json.parse(send(a, ModernTasksTest.request("seen-" + System.nanoTime(), "tools/call",
                "\"name\":\"probe__cancellations\",\"arguments\":{\"tag\":\"" + tag + "\"}", ModernTasksTest.TAKES_NONE),
                "tools/call", "probe__cancellations", 200).path("result").path("content").get(0).path("text").asString());
    }

    /** A modern request's headers, with the client's token. */
    private static Map<String, String> headers(String method, String name) {
        Map<String, String> headers = ModernEdgeTest.headers(method, name);
        headers.put("Authorization", "Bearer " + TOKEN);
        return headers;
    }

    private static JsonNode onTask(Gateway replica, String method, String taskId, String extra, int status) throws Exception {
        String params = "\"taskId\":\"" + taskId + "\"" + (extra.isEmpty() ? "" : "," + extra);
        return send(replica, ModernTasksTest.request(method + "-" + System.nanoTime(), method, params, ModernTasksTest.TAKES_TASKS),
                method, taskId, status);
    }

    private static JsonNode pollUntil(Gateway replica, String taskId, String status) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode task;
        do {
            task = onTask(replica, "tasks/get", taskId, "", 200).path("result");
            if (status.equals(task.path("status").asString())) {
                return task;
            }
            Thread.sleep(task.path("pollIntervalMs").asLong(1000) / 10); // the client's polling, sped up
        } while (System.nanoTime() < end);
        throw new AssertionError("task " + taskId + " never reached " + status + " on the other replica; last: " + task);
    }

    private static BlockingQueue<String> listen(Gateway replica, String taskId) {
        HttpRequest.Builder listen = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(replica) + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString(ModernTasksTest.request("listen-" + taskId, "subscriptions/listen",
                        "\"notifications\":{\"taskIds\":[\"" + taskId + "\"]}", ModernTasksTest.TAKES_TASKS)));
        headers("subscriptions/listen", null).forEach(listen::header);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        ModernEdgeTest.HTTP.sendAsync(listen.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().filter(l -> l.startsWith("data:")).forEach(l -> lines.add(l.substring(5).trim())));
        return lines;
    }

    private static JsonNode send(Gateway replica, String body, String method, String name, int status) throws Exception {
        return send(TestGateways.baseUrl(replica) + "/mcp", body, method, name, status);
    }

    private static JsonNode send(String endpoint, String body, String method, String name, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers(method, name).forEach(request::header);
        HttpResponse<String> response = ModernEdgeTest.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return ModernEdgeTest.answer(response);
    }
}
