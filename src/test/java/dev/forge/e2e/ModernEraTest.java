package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * MCP 2026-07-28 downstream: the TypeScript SDK v2 client pinned to the modern era (no initialize, no session)
 * discovers Forge, lists, calls, reads, gets a prompt, sees progress before the result and opens a listen stream —
 * upstream: legacy server-everything over stdio.
 */
class ModernEraTest {

    static Gateway gateway;
    static Path script;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())));
        script = Peers.installed("era-client.mjs");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    @Test
    void aPinnedModernClientIsServedOnMcp() throws Exception {
        JsonNode seen = TypeScriptSdkThroughGatewayTest.run(script, TestGateways.baseUrl(gateway) + "/mcp", "everything__", "modern");
        assertThat(seen.path("era").asString()).isEqualTo("modern");
        assertThat(seen.path("discover").path("supportedVersions").toString()).contains("2026-07-28");
        assertThat(seen.path("tools").toString()).contains("everything__echo", "everything__get-sum");
        assertThat(seen.path("echo").toString()).contains("Echo: from the modern era");
        assertThat(seen.path("sum").toString()).contains("42");
        JsonNode progress = seen.path("progress");
        assertThat(progress.path("events").size()).as("progress events: %s", progress).isGreaterThanOrEqualTo(3);
        assertThat(progress.path("events").get(0).path("at").asLong())
                .as("the first progress arrives while the call runs: %s", progress)
                .isLessThan(progress.path("resultAt").asLong() - 500);
        assertThat(seen.path("sampling").toString()).as("sampling bridged: %s", seen.path("sampling")).contains("sampled by the modern client");
        assertThat(seen.path("elicitation").toString()).as("elicitation bridged: %s", seen.path("elicitation")).contains("modern Ada");
        assertThat(seen.path("asked").path("sampling").asInt()).isEqualTo(1);
        assertThat(seen.path("asked").path("elicitation").asInt()).isEqualTo(1);
        assertThat(seen.path("listen").path("honored").path("toolsListChanged").asBoolean()).isTrue();
    }

    @Test
    void aPinnedModernClientIsServedOnEveryKindOfMcpEndpoint() throws Exception {
        String base = TestGateways.baseUrl(gateway);
        JsonNode server = ContextForgeFlowTest.call("POST", base + "/servers", """
                {"name":"modern-picks","associated_tools":["everything__echo","everything__get-sum"]}""");
        for (String path : List.of("/gateways/everything/mcp", "/servers/" + server.get("id").asString() + "/mcp")) {
            JsonNode seen = TypeScriptSdkThroughGatewayTest.run(script, base + path, "", "modern", "brief");
            assertThat(seen.path("era").asString()).as(path).isEqualTo("modern");
            assertThat(seen.path("echo").toString()).as(path).contains("Echo: from the modern era");
        }
    }

    @Test
    void aModernClientSharesAPerClientUpstreamsConnectionInsteadOfOpeningOnePerRequest() throws Exception {
        try (Gateway perClient = TestGateways.start(List.of(TestGateways.perClientStdio("solo", Peers.everythingStdio())))) {
            long before = TestGateways.childProcesses("server-everything");
            String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"solo__trigger-long-running-operation\",\"arguments\":{\"duration\":2,\"steps\":4},\"_meta\":{"
                    + "\"progressToken\":\"p\"," + ModernEdgeTest.envelope(ModernEdgeTest.VERSION).substring(9) + "}}";
            java.net.http.HttpRequest.Builder call = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(TestGateways.baseUrl(perClient) + "/mcp")).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
            ModernEdgeTest.headers("tools/call", "solo__trigger-long-running-operation").forEach(call::header);
            java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
            var running = ModernEdgeTest.HTTP.sendAsync(call.build(), java.net.http.HttpResponse.BodyHandlers.ofLines())
                    .thenAccept(r -> r.body().filter(l -> l.startsWith("data:")).forEach(lines::add));
            assertThat(ModernEdgeTest.next(lines)).contains("notifications/progress"); // the call is running upstream now
            assertThat(TestGateways.childProcesses("server-everything"))
                    .as("processes while a sessionless client's call runs on a per-client upstream").isEqualTo(before);
            running.get(20, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
