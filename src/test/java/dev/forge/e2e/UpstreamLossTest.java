package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A stdio upstream killed under a connected client: its tools leave the catalog, the client is told the list
 * changed, the other upstream keeps working, and the upstream comes back by itself.
 */
class UpstreamLossTest {

    @Test
    void aKilledUpstreamLeavesAndRejoinsTheCatalogAndClientsAreTold() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(
                TestGateways.stdio("victim", Peers.everythingStdio()),
                TestGateways.stdio("survivor", Peers.memoryStdio())))) {
            List<List<String>> announced = new CopyOnWriteArrayList<>();
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(TestGateways.baseUrl(gateway)).endpoint("/mcp").build())
                    .requestTimeout(Duration.ofSeconds(20))
                    .toolsChangeConsumer(tools -> announced.add(tools.stream().map(McpSchema.Tool::name).toList()))
                    .build();
            client.initialize();
            try {
                Upstream victim = gateway.federation().upstreams().stream().filter(u -> u.name().equals("victim")).findFirst().orElseThrow();
                long firstPid = victim.pid();
                ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();

                await().atMost(Duration.ofSeconds(20)).until(() -> announced.stream().anyMatch(l -> l.stream().noneMatch(n -> n.startsWith("victim__"))));
                assertThat(client.callTool(new McpSchema.CallToolRequest("survivor__read_graph", java.util.Map.of())).isError()).isNotEqualTo(Boolean.TRUE);

                await().atMost(Duration.ofSeconds(30)).until(() -> victim.state() == UpstreamState.READY);
                assertThat(victim.pid()).isNotEqualTo(firstPid);
                assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                await().atMost(Duration.ofSeconds(20)).until(() -> client.listTools().tools().stream().anyMatch(t -> t.name().equals("victim__echo")));
                assertThat(announced.getLast()).contains("victim__echo");
            } finally {
                client.closeGracefully();
            }
        }
    }
}
