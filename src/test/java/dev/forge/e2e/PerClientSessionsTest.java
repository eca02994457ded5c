package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.support.Peers;
import dev.forge.support.SdkClients;
import dev.forge.support.TestGateways;
import dev.forge.upstream.Upstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A {@code per-client} upstream: each client gets its own upstream session (for stdio, its own process), what the
 * upstream sends on its own reaches only that client, and the session is closed when the client goes away.
 */
class PerClientSessionsTest {

    @Test
    void eachClientHasItsOwnUpstreamSessionClosedWhenTheClientLeaves() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(TestGateways.perClientStdio("everything", Peers.everythingStdio())))) {
            Upstream upstream = gateway.federation().upstreams().getFirst();
            String base = TestGateways.baseUrl(gateway);
            SdkClients.Observed seenByA = new SdkClients.Observed();
            SdkClients.Observed seenByB = new SdkClients.Observed();
            McpSyncClient a = SdkClients.capableStreamable(base, "/mcp", seenByA);
            McpSyncClient b = SdkClients.capableStreamable(base, "/mcp", seenByB);
            try {
                a.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "a")));
                b.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "b")));
                assertThat(upstream.clientSessions()).isEqualTo(2);
                assertThat(TestGateways.childProcesses("server-everything")).isEqualTo(3); // catalog + one per client

                // per-session state upstream: logging switched on for A only
                a.callTool(new McpSchema.CallToolRequest("everything__toggle-simulated-logging", Map.of()));
                await().atMost(Duration.ofSeconds(15)).until(() -> !seenByA.logs().isEmpty());
                assertThat(seenByB.logs()).isEmpty();
            } finally {
                a.closeGracefully();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.clientSessions() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> TestGateways.childProcesses("server-everything") == 2);
            b.closeGracefully();
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.clientSessions() == 0);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> TestGateways.childProcesses("server-everything") == 0);
    }
}
