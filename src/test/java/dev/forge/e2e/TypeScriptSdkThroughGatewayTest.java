package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The official TypeScript SDK client, run on Node, lists and calls tools, reads a resource and gets a prompt
 * through the gateway (upstream: server-everything over stdio) and directly against server-everything's own
 * Streamable HTTP mode; both runs must see the same thing.
 */
class TypeScriptSdkThroughGatewayTest {

    static Gateway gateway;
    static NodeHttpServer direct;
    static Path script;
    static Path passthrough;

    @BeforeAll
    static void start() throws Exception {
        direct = NodeHttpServer.everything("streamableHttp");
        gateway = TestGateways.start(List.of(TestGateways.perClientStdio("everything", Peers.everythingStdio()),
                TestGateways.streamableHttp("http", direct.url("/mcp"))));
        // ES modules resolve imports from the script's own folder, so it runs from inside the peers' install
        script = install("ts-client.mjs");
        passthrough = install("ts-passthrough.mjs");
    }

    static Path install(String name) throws Exception {
        Path target = Peers.root().resolve("forge-" + name);
        try (InputStream in = TypeScriptSdkThroughGatewayTest.class.getResourceAsStream("/node/" + name)) {
            Files.write(target, in.readAllBytes());
        }
        return target;
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (direct != null) direct.close();
    }

    static JsonNode run(String url, String prefix) throws Exception {
        return run(script, url, prefix);
    }

    static JsonNode run(Path script, String url, String prefix) throws Exception {
        Process p = new ProcessBuilder(Peers.node(), script.toString(), url, prefix).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("TypeScript client failed: %s", err).isZero();
        return Json.parse(out);
    }

    @Test
    void theTypeScriptClientSeesThroughTheGatewayWhatItSeesDirectly() throws Exception {
        JsonNode viaGateway = run(TestGateways.baseUrl(gateway) + "/mcp", "everything__");
        JsonNode straight = run(direct.url("/mcp"), "");
        assertThat(viaGateway.get("echo").toString()).contains("Echo: from typescript");
        assertThat(viaGateway.get("sum").toString()).contains("42");
        assertThat(viaGateway.get("tools").size()).isGreaterThan(5);
        assertThat(viaGateway).isEqualTo(straight);
    }

    @Test
    void overAStreamableHttpUpstreamToo() throws Exception {
        JsonNode seen = run(passthrough, TestGateways.baseUrl(gateway) + "/mcp", "http__");
        assertThat(seen.get("sampling").asString()).contains("sampled in typescript");
        assertThat(seen.at("/seen/progress").size()).isEqualTo(3);
        assertThat(seen.get("cancelledAfterMs").asInt()).isLessThan(10_000);
    }

    @Test
    void whatTheUpstreamAsksAndTellsReachesTheTypeScriptClientAndItsCancelReachesTheUpstream() throws Exception {
        JsonNode seen = run(passthrough, TestGateways.baseUrl(gateway) + "/mcp", "everything__");
        assertThat(seen.get("sampling").asString()).contains("sampled in typescript");
        assertThat(seen.get("elicitation").asString()).contains("teal");
        assertThat(seen.get("roots").asString()).contains("file:///ts-root");
        assertThat(seen.at("/seen/sampling").asInt()).isEqualTo(1);
        assertThat(seen.at("/seen/elicitation").asInt()).isEqualTo(1);
        assertThat(seen.at("/seen/progress").size()).isEqualTo(3);
        assertThat(seen.get("cancellation").asString()).startsWith("rejected");
        assertThat(seen.get("cancelledAfterMs").asInt()).isLessThan(10_000);
        assertThat(seen.at("/seen/logs").asInt()).isPositive();
        assertThat(seen.get("after").asString()).contains("still here");
    }
}
