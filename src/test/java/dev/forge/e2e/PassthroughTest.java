package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.SdkClients;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Server-everything over stdio behind the gateway, driven by Java SDK clients: what the upstream asks of or tells
 * a client during a call (sampling, elicitation, roots, progress) reaches that client, and its answers go back.
 */
class PassthroughTest {

    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static McpSyncClient capable(SdkClients.Observed observed) {
        return SdkClients.capableStreamable(TestGateways.baseUrl(gateway), "/mcp", observed);
    }

    static String text(McpSchema.CallToolResult result) {
        return SdkClients.json(result.content());
    }

    @Test
    void samplingReachesTheClientThatCalledAndItsAnswerReachesTheUpstream() {
        SdkClients.Observed observed = new SdkClients.Observed();
        McpSyncClient client = capable(observed);
        try {
            var result = client.callTool(new McpSchema.CallToolRequest("everything__trigger-sampling-request", Map.of("prompt", "write a haiku")));
            assertThat(text(result)).contains("sampled by the test client");
            assertThat(observed.questions()).containsExactly("sampling");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void elicitationReachesTheClientAndItsAcceptedContentComesBack() {
        SdkClients.Observed observed = new SdkClients.Observed();
        McpSyncClient client = capable(observed);
        try {
            var result = client.callTool(new McpSchema.CallToolRequest("everything__trigger-elicitation-request", Map.of()));
            assertThat(text(result)).contains("green");
            assertThat(observed.questions()).containsExactly("elicitation");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void rootsAreAskedOfTheClient() {
        McpSyncClient client = capable(new SdkClients.Observed());
        try {
            var result = client.callTool(new McpSchema.CallToolRequest("everything__get-roots-list", Map.of()));
            assertThat(text(result)).contains(SdkClients.ROOT_URI);
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void aClientWithoutTheCapabilityGetsAnErrorNotAHang() {
        McpSyncClient plain = SdkClients.streamable(TestGateways.baseUrl(gateway), "/mcp");
        try {
            long start = System.nanoTime();
            McpSchema.CallToolResult result;
            try {
                result = plain.callTool(new McpSchema.CallToolRequest("everything__trigger-sampling-request", Map.of("prompt", "x")));
                assertThat(result.isError()).isTrue();
                assertThat(text(result)).containsIgnoringCase("sampling");
            } catch (RuntimeException e) {
                assertThat(e.getMessage()).containsIgnoringCase("sampling");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            plain.closeGracefully();
        }
    }

    @Test
    void twoClientsUsingTheSameProgressTokenEachSeeOnlyTheirOwnProgress() throws Exception {
        SdkClients.Observed first = new SdkClients.Observed();
        SdkClients.Observed second = new SdkClients.Observed();
        McpSyncClient a = capable(first);
        McpSyncClient b = capable(second);
        try {
            var request = new McpSchema.CallToolRequest("everything__trigger-long-running-operation",
                    Map.of("duration", 1, "steps", 4), Map.of("progressToken", "same-token"));
            // their own threads: the common pool may have one thread here, and both calls block until done
            var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            CompletableFuture<McpSchema.CallToolResult> callA = CompletableFuture.supplyAsync(() -> a.callTool(request), threads);
            CompletableFuture<McpSchema.CallToolResult> callB = CompletableFuture.supplyAsync(() -> b.callTool(request), threads);
            assertThat(text(callA.get(30, TimeUnit.SECONDS))).contains("completed");
            assertThat(text(callB.get(30, TimeUnit.SECONDS))).contains("completed");
            // the SDK hands notifications to consumers on its own threads, so the last may land just after the result
            await().atMost(Duration.ofSeconds(5)).until(() -> first.progress().size() == 4 && second.progress().size() == 4);
            assertThat(first.progress()).allMatch(p -> "same-token".equals(p.progressToken()));
            assertThat(second.progress()).allMatch(p -> "same-token".equals(p.progressToken()));
            assertThat(first.progress()).extracting(McpSchema.ProgressNotification::progress).containsExactly(1.0, 2.0, 3.0, 4.0);
        } finally {
            a.closeGracefully();
            b.closeGracefully();
        }
    }

    @Test
    void subscribersHearResourceUpdatesAndOthersDoNot() {
        String uri = "demo://resource/static/document/architecture.md";
        SdkClients.Observed subscriber = new SdkClients.Observed();
        SdkClients.Observed bystander = new SdkClients.Observed();
        McpSyncClient a = capable(subscriber);
        McpSyncClient b = capable(bystander);
        try {
            a.subscribeResource(new McpSchema.SubscribeRequest(uri));
            a.callTool(new McpSchema.CallToolRequest("everything__toggle-subscriber-updates", Map.of()));
            await().atMost(Duration.ofSeconds(15)).until(() -> subscriber.updatedUris().contains(uri));
            b.listTools(); // a round trip: anything addressed to b would have arrived by now
            assertThat(bystander.updatedUris()).isEmpty();
            a.callTool(new McpSchema.CallToolRequest("everything__toggle-subscriber-updates", Map.of()));
            a.unsubscribeResource(new McpSchema.UnsubscribeRequest(uri));
        } finally {
            a.closeGracefully();
            b.closeGracefully();
        }
    }

    @Test
    void aClientCancellingACallEndsItAtOnce() throws Exception {
        HttpClient http = RawMcp.HTTP;
        String url = TestGateways.baseUrl(gateway) + "/mcp";
        String session = RawMcp.Session.open(url).id();
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(RawMcp.post(url, session, """
                {"jsonrpc":"2.0","id":"slow-1","method":"tools/call","params":{"name":"everything__trigger-long-running-operation","arguments":{"duration":60,"steps":60}}}"""),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.sessions().find(session) != null && hasInFlight(session));
        HttpResponse<String> cancel = http.send(RawMcp.post(url, session, """
                {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow-1","reason":"user pressed stop"}}"""),
                HttpResponse.BodyHandlers.ofString());
        assertThat(cancel.statusCode()).isEqualTo(202);
        JsonNode response = Json.parse(slow.get(10, TimeUnit.SECONDS).body());
        assertThat(response.at("/error/code").asInt()).isEqualTo(-32800);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void tasksRunThroughTheGatewayAndOnlyTheirOwnerSeesThem() throws Exception {
        RawMcp.Session owner = RawMcp.Session.open(TestGateways.baseUrl(gateway) + "/mcp");
        RawMcp.Session other = RawMcp.Session.open(TestGateways.baseUrl(gateway) + "/mcp");
        HttpClient http = HttpClient.newHttpClient();
        JsonNode created = Json.parse(http.send(RawMcp.post(owner.url(), owner.id(), """
                {"jsonrpc":"2.0","id":"t1","method":"tools/call","params":{"name":"everything__simulate-research-query","arguments":{"topic":"gateways"},"task":{"ttl":60000}}}"""),
                HttpResponse.BodyHandlers.ofString()).body());
        String taskId = created.at("/result/task/taskId").asString();
        assertThat(taskId).isNotEmpty();

        JsonNode mine = Json.parse(http.send(RawMcp.post(owner.url(), owner.id(), "{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tasks/list\"}"),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(mine.at("/result/tasks").valueStream().map(t -> t.get("taskId").asString())).containsExactly(taskId);
        JsonNode theirs = Json.parse(http.send(RawMcp.post(other.url(), other.id(), "{\"jsonrpc\":\"2.0\",\"id\":\"l\",\"method\":\"tasks/list\"}"),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(theirs.at("/result/tasks")).isEmpty();
        JsonNode peek = Json.parse(http.send(RawMcp.post(other.url(), other.id(), """
                {"jsonrpc":"2.0","id":"g","method":"tasks/get","params":{"taskId":"%s"}}""".formatted(taskId)), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(peek.at("/error/message").asString()).contains("Unknown task");

        JsonNode result = Json.parse(http.send(RawMcp.post(owner.url(), owner.id(), """
                {"jsonrpc":"2.0","id":"r","method":"tasks/result","params":{"taskId":"%s"}}""".formatted(taskId)), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(result.at("/result/content/0/text").asString()).contains("Research Report: gateways");
    }

    private static boolean hasInFlight(String session) {
        return gateway.sessions().find(session).inFlightCount() > 0;
    }
}
