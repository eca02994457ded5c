package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The two eras bridged, cell by cell: a client of either era (the TypeScript SDK v1 client, which initializes and
 * keeps a session; the v2 client pinned to MCP 2026-07-28, which has neither) calls through one Forge endpoint to an
 * upstream of either era (server-everything over stdio and over Streamable HTTP, legacy — the HTTP one reached after
 * Forge's server/discover probe falls back; a modern-only server written with the v2 server package). In each cell: calls, progress before the result, the upstream's sampling and elicitation answered by the
 * client whichever way each side asks, and — from the modern upstream, which can change its list — the change
 * reaching the client. A failure names its cell.
 */
class EraMatrixTest {

    static Gateway gateway;
    static NodeHttpServer modernServer;
    static NodeHttpServer legacyHttpServer;
    static Path script;

    @BeforeAll
    static void start() throws Exception {
        modernServer = NodeHttpServer.modern();
        legacyHttpServer = NodeHttpServer.everything("streamableHttp");
        gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio()),
                TestGateways.streamableHttp("modern", modernServer.url("/mcp")),
                TestGateways.streamableHttp("everything-http", legacyHttpServer.url("/mcp"))));
        script = Peers.installed("era-client.mjs");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (modernServer != null) modernServer.close();
        if (legacyHttpServer != null) legacyHttpServer.close();
    }

    @ParameterizedTest(name = "{0} client -> {1} upstream")
    @CsvSource({"legacy, legacy, everything__", "legacy, modern, modern__", "modern, legacy, everything__", "modern, modern, modern__",
            "legacy, legacy streamable-http, everything-http__", "modern, legacy streamable-http, everything-http__"})
    void eachCellWorks(String clientEra, String upstreamEra, String prefix) throws Exception {
        String cell = clientEra + " client -> " + upstreamEra + " upstream";
        JsonNode seen = TypeScriptSdkThroughGatewayTest.run(script, TestGateways.baseUrl(gateway) + "/mcp", prefix, clientEra);
        assertThat(seen.path("era").asString()).as(cell).isEqualTo(clientEra);
        assertThat(seen.path("echo").toString()).as(cell).contains("Echo: from the " + clientEra + " era");
        assertThat(seen.path("sum").toString()).as(cell).contains("42");
        JsonNode progress = seen.path("progress");
        assertThat(progress.path("events").size()).as("%s: progress events %s", cell, progress).isGreaterThanOrEqualTo(3);
        assertThat(progress.path("events").get(0).path("at").asLong()).as("%s: progress before the result %s", cell, progress)
                .isLessThan(progress.path("resultAt").asLong() - 500);
        assertThat(seen.path("sampling").toString()).as("%s: sampling %s", cell, seen.path("sampling"))
                .contains("sampled by the " + clientEra + " client");
        assertThat(seen.path("elicitation").toString()).as("%s: elicitation %s", cell, seen.path("elicitation"))
                .contains(clientEra + " Ada");
        assertThat(seen.path("asked").path("sampling").asInt()).as(cell).isEqualTo(1);
        assertThat(seen.path("asked").path("elicitation").asInt()).as(cell).isEqualTo(1);
        if (upstreamEra.equals("modern")) { // the legacy upstreams are server-everything, over stdio and over HTTP
            assertThat(seen.path("listChanged").asBoolean()).as("%s: the upstream's list change reached the client", cell).isTrue();
            assertThat(seen.path("toolsAfter").toString()).as(cell).contains(prefix + "added-");
        } else {
            assertThat(seen.path("prompt").toString()).as(cell).contains("Lisbon");
            assertThat(seen.path("resource").path("contents").size()).as(cell).isPositive();
        }
        if (clientEra.equals("modern")) {
            assertThat(seen.path("listen").path("honored").path("toolsListChanged").asBoolean()).as(cell).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} upstream")
    @CsvSource({"everything, legacy", "modern, modern", "everything-http, legacy"})
    void healthAndTheGatewayListNameEachUpstreamsEra(String upstream, String era) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = TestGateways.baseUrl(gateway);
        JsonNode health = Json.parse(http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(health.path("upstreams").path(upstream).path("era").asString()).as(health.toString()).isEqualTo(era);
    }
}
