package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The tasks extension ({@code io.modelcontextprotocol/tasks}) as Forge offers it to modern clients, on raw HTTP (no
 * SDK client speaks it yet): a tool call still running after {@code task_after} (300 ms here) is answered with a task
 * handle, followed by {@code tasks/get}, answered by {@code tasks/update}, ended by {@code tasks/cancel}, watched on a
 * listen stream. Both upstream eras: the probe server (legacy, stdio) and the modern-only server (Streamable HTTP).
 */
class ModernTasksTest {

    static final String TAKES_TASKS = "{\"elicitation\":{},\"extensions\":{\"io.modelcontextprotocol/tasks\":{}}}";
    static final String TAKES_NONE = "{\"elicitation\":{}}";
    static Gateway gateway;
    static Gateway inner;
    static NodeHttpServer modernServer;
    static NodeHttpServer probeStreamable;
    static NodeHttpServer probeSse;
    static Path probeState;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        modernServer = NodeHttpServer.modern();
        probeState = Files.createTempDirectory("forge-tasks-probe");
        probeStreamable = NodeHttpServer.probe("streamable", probeState.resolve("streamable"));
        probeSse = NodeHttpServer.probe("sse", probeState.resolve("sse"));
        // another Forge federating the probe: a modern upstream (it answers server/discover)
        inner = TestGateways.start(List.of(TestGateways.stdio("probe", Peers.probe(),
                Map.of("PROBE_STATE_DIR", probeState.resolve("inner").toString()))));
        gateway = TestGateways.start(TestGateways.config(List.of(
                TestGateways.stdio("probe", Peers.probe(), Map.of("PROBE_STATE_DIR", probeState.toString())),
                TestGateways.streamableHttp("modern", modernServer.url("/mcp")),
                TestGateways.streamableHttp("streamable", probeStreamable.url("/p/mcp")),
                TestGateways.sse("sse", probeSse.url("/p/sse")),
                TestGateways.streamableHttp("forge", TestGateways.baseUrl(inner) + "/mcp")), List.of())
                .withTaskAfter(Duration.ofMillis(300)));
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (inner != null) inner.close();
        if (modernServer != null) modernServer.close();
        if (probeStreamable != null) probeStreamable.close();
        if (probeSse != null) probeSse.close();
    }

    /** A modern request whose client declares the capabilities given. */
    static String request(Object id, String method, String params, String capabilities) {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":" + capabilities + "}";
        return "{\"jsonrpc\":\"2.0\",\"id\":" + Json.text(Json.valueToTree(id)) + ",\"method\":\"" + method + "\",\"params\":{"
                + (params.isEmpty() ? meta : params + "," + meta) + "}}";
    }

    static JsonNode call(String tool, String arguments, String capabilities) throws Exception {
        return send(request("call-" + tool, "tools/call", "\"name\":\"" + tool + "\",\"arguments\":" + arguments, capabilities),
                "tools/call", tool, 200);
    }

    static JsonNode onTask(String method, String taskId, String extra, String capabilities, int status) throws Exception {
        String params = "\"taskId\":\"" + taskId + "\"" + (extra.isEmpty() ? "" : "," + extra);
        return send(request(method + "-" + System.nanoTime(), method, params, capabilities), method, taskId, status);
    }

    static JsonNode send(String body, String method, String name, int status) throws Exception {
        HttpResponse<String> response = post("/mcp", body, ModernEdgeTest.headers(method, name));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return ModernEdgeTest.answer(response);
    }

    /** Polls the task, at the interval it suggests, until its status is the one wanted (20 s at most). */
    static JsonNode pollUntil(String taskId, String status) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode task;
        do {
            task = onTask("tasks/get", taskId, "", TAKES_TASKS, 200).path("result");
            assertThat(task.path("resultType").asString()).isEqualTo("complete");
            if (status.equals(task.path("status").asString())) {
                return task;
            }
            Thread.sleep(task.path("pollIntervalMs").asLong(1000) / 10); // the client's polling, sped up
        } while (System.nanoTime() < end);
        throw new AssertionError("task " + taskId + " never reached " + status + "; last: " + task);
    }

    static String handle(JsonNode answer) {
        JsonNode result = answer.path("result");
        assertThat(result.path("resultType").asString()).as(answer.toString()).isEqualTo("task");
        assertThat(result.path("status").asString()).isIn("working", "input_required");
        assertThat(result.path("ttlMs").asLong()).isPositive();
        assertThat(result.path("createdAt").asString()).isNotEmpty();
        return result.path("taskId").asString();
    }

    @Test
    void discoverOffersTheExtension() throws Exception {
        JsonNode result = send(request(1, "server/discover", "", "{}"), "server/discover", null, 200).path("result");
        assertThat(result.path("capabilities").path("extensions").has("io.modelcontextprotocol/tasks")).as(result.toString()).isTrue();
    }

    @ParameterizedTest(name = "{0} upstream")
    @CsvSource(delimiter = '|', value = {
            "legacy stdio | probe__echo | {\"message\":\"late\",\"delayMs\":1500} | echo: late",
            "legacy streamable http | streamable__echo | {\"message\":\"late\",\"delayMs\":1500} | echo: late",
            "legacy sse | sse__echo | {\"message\":\"late\",\"delayMs\":1500} | echo: late",
            "another forge (modern) | forge__probe__echo | {\"message\":\"late\",\"delayMs\":1500} | echo: late",
            "modern | modern__trigger-long-running-operation | {\"duration\":1.5,\"steps\":3} | Long running operation completed"})
    void aCallStillRunningBecomesATaskThatCompletes(String era, String tool, String arguments, String expected) throws Exception {
        String taskId = handle(call(tool, arguments, TAKES_TASKS));
        JsonNode done = pollUntil(taskId, "completed");
        assertThat(done.path("result").toString()).as(era + " upstream").contains(expected);
        assertThat(done.path("taskId").asString()).isEqualTo(taskId);
    }

    @Test
    void aQuickCallOrAClientThatTakesNoTasksGetsTheAnswerItself() throws Exception {
        JsonNode quick = call("probe__echo", "{\"message\":\"quick\"}", TAKES_TASKS).path("result");
        assertThat(quick.path("resultType").asString()).isEqualTo("complete");
        assertThat(quick.toString()).contains("echo: quick");
        JsonNode waited = call("probe__echo", "{\"message\":\"waited\",\"delayMs\":800}", TAKES_NONE).path("result");
        assertThat(waited.path("resultType").asString()).isEqualTo("complete");
        assertThat(waited.toString()).contains("echo: waited");
    }

    @ParameterizedTest(name = "{0} upstream")
    @CsvSource(delimiter = '|', value = {
            "legacy stdio | probe__ask-elicitation | {\"color\":\"blue\"} | elicited: accept blue",
            "legacy streamable http | streamable__ask-elicitation | {\"color\":\"blue\"} | elicited: accept blue",
            "legacy sse | sse__ask-elicitation | {\"color\":\"blue\"} | elicited: accept blue",
            "another forge (modern) | forge__probe__ask-elicitation | {\"color\":\"blue\"} | elicited: accept blue",
            "modern | modern__trigger-elicitation-request | {\"name\":\"Ada\"} | Ada"})
    void aQuestionAskedDuringATaskIsShownByGetAndAnsweredByUpdate(String era, String tool, String content, String expected)
            throws Exception {
        String taskId = handle(call(tool, "{\"delayMs\":1000}", TAKES_TASKS));
        JsonNode waiting = pollUntil(taskId, "input_required");
        JsonNode asked = waiting.path("inputRequests");
        assertThat(asked.size()).as(era + " upstream: " + waiting).isEqualTo(1);
        String key = asked.propertyNames().iterator().next();
        assertThat(asked.path(key).path("method").asString()).isEqualTo("elicitation/create");
        // an answer to a key never asked is ignored; the task still waits
        onTask("tasks/update", taskId, "\"inputResponses\":{\"made-up\":{\"action\":\"decline\"}}", TAKES_TASKS, 200);
        assertThat(onTask("tasks/get", taskId, "", TAKES_TASKS, 200).path("result").path("status").asString()).isEqualTo("input_required");
        JsonNode ack = onTask("tasks/update", taskId, "\"inputResponses\":{\"" + key + "\":{\"action\":\"accept\",\"content\":"
                + content + "}}", TAKES_TASKS, 200);
        assertThat(ack.path("result").path("resultType").asString()).isEqualTo("complete");
        JsonNode done = pollUntil(taskId, "completed");
        assertThat(done.path("result").toString()).as(era + " upstream").contains(expected);
    }

    @ParameterizedTest(name = "{0} upstream")
    @CsvSource(delimiter = '|', value = {"legacy stdio | probe", "legacy streamable http | streamable", "legacy sse | sse",
            "another forge (modern) | forge__probe"})
    void cancelEndsTheTaskAndTheUpstreamsCall(String cell, String prefix) throws Exception {
        String taskId = handle(call(prefix + "__wait-for-cancel", "{\"tag\":\"task-cancel\"}", TAKES_TASKS));
        JsonNode ack = onTask("tasks/cancel", taskId, "", TAKES_TASKS, 200);
        assertThat(ack.path("result").path("resultType").asString()).isEqualTo("complete");
        assertThat(pollUntil(taskId, "cancelled").has("result")).isFalse();
        long end = System.nanoTime() + Duration.ofSeconds(8).toNanos(); // well within the upstream's 20 s timeout
        String seen;
        do { // the upstream hears of it as notifications/cancelled
            seen = call(prefix + "__cancellations", "{\"tag\":\"task-cancel\"}", TAKES_NONE).path("result").toString();
        } while (!seen.contains("\\\"waiting\\\":false") && System.nanoTime() < end);
        assertThat(seen).as(cell + " upstream").contains("\\\"waiting\\\":false").contains("task-cancel");
    }

    @Test
    void taskRequestsAreRefusedWithTheSpecsCodes() throws Exception {
        String taskId = handle(call("probe__echo", "{\"message\":\"x\",\"delayMs\":1000}", TAKES_TASKS));
        JsonNode missing = onTask("tasks/get", taskId, "", TAKES_NONE, 400).path("error");
        assertThat(missing.path("code").asInt()).isEqualTo(-32021);
        assertThat(missing.path("data").path("requiredCapabilities").path("extensions").has("io.modelcontextprotocol/tasks")).isTrue();
        JsonNode unknown = onTask("tasks/get", "task-nobody", "", TAKES_TASKS, 400).path("error");
        assertThat(unknown.path("code").asInt()).isEqualTo(-32602);
        assertThat(unknown.path("message").asString()).contains("task-nobody");
        // the task is the caller's own on its endpoint: the same id on another endpoint is unknown there
        HttpResponse<String> elsewhere = post("/gateways/probe/mcp", request(5, "tasks/get", "\"taskId\":\"" + taskId + "\"", TAKES_TASKS),
                ModernEdgeTest.headers("tasks/get", taskId));
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(400);
        assertThat(ModernEdgeTest.answer(elsewhere).path("error").path("code").asInt()).isEqualTo(-32602);
        JsonNode wrongName = ModernEdgeTest.answer(post("/mcp", request(6, "tasks/get", "\"taskId\":\"" + taskId + "\"",
                TAKES_TASKS), ModernEdgeTest.headers("tasks/get", "another"))).path("error");
        assertThat(wrongName.path("code").asInt()).isEqualTo(-32020);
        JsonNode listen = send(request(7, "subscriptions/listen", "\"notifications\":{\"taskIds\":[\"" + taskId + "\"]}", TAKES_NONE),
                "subscriptions/listen", null, 400).path("error");
        assertThat(listen.path("code").asInt()).isEqualTo(-32021);
        assertThat(pollUntil(taskId, "completed").path("result").toString()).contains("echo: x");
    }

    @Test
    void aListenStreamCarriesEachStateOfTheTasksItFollows() throws Exception {
        String taskId = handle(call("probe__echo", "{\"message\":\"watched\",\"delayMs\":1500}", TAKES_TASKS));
        HttpRequest.Builder listen = HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString(request("listen-tasks", "subscriptions/listen",
                        "\"notifications\":{\"taskIds\":[\"" + taskId + "\",\"task-nobody\"]}", TAKES_TASKS)));
        ModernEdgeTest.headers("subscriptions/listen", null).forEach(listen::header);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        var stream = ModernEdgeTest.HTTP.sendAsync(listen.build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().filter(l -> l.startsWith("data:")).forEach(l -> lines.add(l.substring(5).trim())));
        JsonNode ack = Json.parse(ModernEdgeTest.next(lines));
        assertThat(ack.path("params").path("notifications").path("taskIds").toString()).isEqualTo("[\"" + taskId + "\"]");
        JsonNode state;
        do {
            state = Json.parse(ModernEdgeTest.next(lines));
            assertThat(state.path("method").asString()).isEqualTo("notifications/tasks");
            assertThat(state.path("params").path("taskId").asString()).isEqualTo(taskId);
            assertThat(state.path("params").path("_meta").path("io.modelcontextprotocol/subscriptionId").asString()).isEqualTo("listen-tasks");
        } while (!"completed".equals(state.path("params").path("status").asString()));
        assertThat(state.path("params").path("result").toString()).contains("echo: watched");
        stream.cancel(true);
    }

    static HttpResponse<String> post(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return ModernEdgeTest.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
