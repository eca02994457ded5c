package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.config.DatabaseUrl;
import dev.forge.config.ForgeConfig;
import dev.forge.config.TlsConfig;
import dev.forge.support.Peers;
import dev.forge.support.TestCertificates;
import dev.forge.support.TestCertificates.Pair;
import dev.forge.support.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas sharing Redis, both serving HTTPS: a call that lands on the replica which does not own the client's
 * upstream process is forwarded to the owner at its advertised https address, over the JDK client that trusts the
 * install's own certificate (the guide's, for a name that is not that address).
 */
class HttpsReplicasTest {

    @Test
    void aReplicaForwardsToTheSessionsOwnerOverHttps(@TempDir Path dir) throws Exception {
        Pair guide = TestCertificates.rsa(dir, "server", "your-domain.com", false);
        DatabaseUrl shared = DatabaseUrl.parse("test", "sqlite:///" + Files.createDirectories(dir.resolve("db")).resolve("mcp.db"));
        ForgeConfig config = TestGateways.config(List.of(TestGateways.perClientStdio("solo", Peers.everythingStdio())), List.of())
                .withDatabase(shared)
                .withSecurity(TestGateways.security(Map.of("REDIS_URL", "redis://127.0.0.1:6379/0", "RATE_LIMIT_PER_MINUTE", "0")))
                .withTls(TlsConfig.OFF.withFiles(guide.cert(), guide.key()));
        try (Gateway a = TestGateways.start(config); Gateway b = TestGateways.start(config)) {
            HttpsTest.Run opened = mcp(a.port(), null, """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""");
            Matcher id = Pattern.compile("(?im)^mcp-session-id: *(\\S+)").matcher(opened.out());
            assertThat(id.find()).as(opened.out()).isTrue();
            String session = id.group(1);
            mcp(a.port(), session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            HttpsTest.Run echoed = mcp(b.port(), session, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"solo__echo","arguments":{"message":"via the owner"}}}""");
            assertThat(echoed.out()).as(echoed.err()).contains("Echo: via the owner");
            assertThat(b.federation().find("solo").clientSessions()).as("client processes started on B").isZero();
            assertThat(a.federation().find("solo").clientSessions()).as("client processes started on A").isEqualTo(1);
        }
    }

    /** One MCP POST with curl (-k: what is under test is the replicas' trust of each other, not this client's). */
    private static HttpsTest.Run mcp(int port, String session, String body) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-k", "-i", "--max-time", "30",
                "-H", "Content-Type: application/json", "-H", "Accept: application/json, text/event-stream",
                "-H", "MCP-Protocol-Version: 2025-06-18", "-d", body));
        if (session != null) {
            command.addAll(List.of("-H", "Mcp-Session-Id: " + session));
        }
        command.add("https://127.0.0.1:" + port + "/mcp");
        return HttpsTest.run(command);
    }
}
