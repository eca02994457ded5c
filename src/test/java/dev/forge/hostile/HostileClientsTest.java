package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamLimits;
import dev.forge.config.UpstreamPolicy;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.RawMcp.Session;
import dev.forge.support.TestGateways;
import dev.forge.upstream.Upstream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** One client (one token) opening session after session cannot start server processes without end. */
class HostileClientsTest {

    static UpstreamConfig perClient(String name) {
        return new UpstreamConfig.Stdio(name, Peers.attackStdio(), Map.of(), UpstreamPolicy.of(Duration.ofSeconds(20), SessionMode.PER_CLIENT));
    }

    static Upstream upstream(Gateway gateway, String name) {
        return gateway.federation().upstreams().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
    }

    static JsonNode call(Session session, String upstream) throws Exception {
        return dev.forge.protocol.Json.parse(session.sendAsync("""
                {"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"%s__echo","arguments":{"message":"hi"}}}"""
                .formatted(upstream)).get(20, TimeUnit.SECONDS).body());
    }

    @Test
    void perClientProcessesStopAtTheCapPerUpstreamAndInAllWithAClearErrorAndAMetric() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(perClient("a"), perClient("b")), List.of())
                .withUpstreamLimits(new UpstreamLimits(1024 * 1024, 10_000, 2, 3));
        try (Gateway gateway = TestGateways.start(config)) {
            String mcp = TestGateways.baseUrl(gateway) + "/mcp";
            Session first = Session.open(mcp);
            Session second = Session.open(mcp);
            Session third = Session.open(mcp);
            assertThat(call(first, "a").at("/result/content/0/text").asString()).isEqualTo("echo: hi");
            assertThat(call(second, "a").at("/result/content/0/text").asString()).isEqualTo("echo: hi");
            JsonNode refused = call(third, "a");
            assertThat(refused.at("/error/message").asString()).as(refused.toString())
                    .contains("Upstream 'a'").contains("at most 2").contains("MAX_CLIENT_PROCESSES_PER_UPSTREAM");
            assertThat(upstream(gateway, "a").clientProcesses()).isEqualTo(2);

            assertThat(call(third, "b").at("/result/content/0/text").asString()).isEqualTo("echo: hi");
            JsonNode overall = call(first, "b");
            assertThat(overall.at("/error/message").asString()).contains("at most 3").contains("MAX_CLIENT_PROCESSES");

            String metrics = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(gateway) + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("forge_upstream_client_processes{upstream=\"a\"} 2.0")
                    .contains("forge_upstream_client_process_refusals_total{upstream=\"a\"} 1.0");

            second.delete(); // its process ends and gives its slot back
            await().atMost(Duration.ofSeconds(15)).until(() -> upstream(gateway, "a").clientProcesses() == 1);
            assertThat(call(third, "a").at("/result/content/0/text").asString()).isEqualTo("echo: hi");
        }
    }
}
