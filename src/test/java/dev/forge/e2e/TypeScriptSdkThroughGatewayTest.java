package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.nio.charset.StandardCharsets;
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
 * Streamable HTTP mode; both runs must see the same thing. What travels back from the upstream during a call
 * (progress, sampling, elicitation, roots, logging, cancellation) is {@link PassthroughMatrixTest}'s.
 */
class TypeScriptSdkThroughGatewayTest {

    static Gateway gateway;
    static NodeHttpServer direct;
    static Path script;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(TestGateways.perClientStdio("everything", Peers.everythingStdio())));
        direct = NodeHttpServer.everything("streamableHttp");
        script = Peers.installed("ts-client.mjs");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (direct != null) direct.close();
    }

    static JsonNode run(String url, String prefix) throws Exception {
        return run(script, url, prefix);
    }

    /** Runs a TypeScript client script (installed with {@link Peers#installed}) and parses what it printed. */
    static JsonNode run(Path script, String url, String prefix, String... more) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Peers.node(), script.toString(), url, prefix));
        command.addAll(List.of(more));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
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
}
