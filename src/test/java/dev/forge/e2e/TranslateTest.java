package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.cli.Main;
import dev.forge.protocol.Json;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.SdkClients;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code forge translate} both ways, each driven by a client written by others: the Java SDK's stdio client in
 * front of {@code --connect-streamable-http} to a gateway that wants a token, and the TypeScript SDK client in front
 * of {@code --stdio} serving server-everything — compared with server-everything's own HTTP mode, and through the
 * whole protocol (sampling, elicitation, roots, progress, cancellation, logging).
 */
class TranslateTest {

    static final String SECRET = "translate-secret-0123456789-abcdefghij";

    static List<String> forge(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void aStdioClientReachesAGatewayThroughConnectStreamableHttp() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())),
                List.of()).withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET))))) {
            String token = Tokens.hs256(SECRET, Tokens.claims("desktop").claim("role", "developer").build());
            SdkClients.Observed observed = new SdkClients.Observed();
            McpSyncClient client = SdkClients.capableStdio(forge("translate", "--connect-streamable-http",
                    TestGateways.baseUrl(gateway) + "/mcp", "--header", "Authorization: Bearer " + token), observed);
            try {
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("everything__echo");
                McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("everything__echo", Map.of("message", "over stdio")));
                assertThat(((McpSchema.TextContent) echo.content().getFirst()).text()).isEqualTo("Echo: over stdio");
                McpSchema.CallToolResult sampled = client.callTool(new McpSchema.CallToolRequest("everything__trigger-sampling-request",
                        Map.of("prompt", "a haiku")));
                assertThat(sampled.content().toString()).contains("sampled by the test client");
                assertThat(observed.questions()).contains("sampling");
                McpSchema.CallToolResult roots = client.callTool(new McpSchema.CallToolRequest("everything__get-roots-list", Map.of()));
                assertThat(roots.content().toString()).contains(SdkClients.ROOT_URI);
                assertThat(client.listResources().resources()).isNotEmpty();
                assertThat(client.getPrompt(new McpSchema.GetPromptRequest("everything__simple-prompt", Map.of())).messages()).isNotEmpty();
            } finally {
                client.closeGracefully();
            }
        }
    }

    @Test
    void whenItsClientClosesStdinTheBridgeEndsItsRemoteSessionAndExits() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())),
                List.of()))) {
            Process bridge = new ProcessBuilder(forge("translate", "--connect-streamable-http", TestGateways.baseUrl(gateway) + "/mcp"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(bridge.getInputStream(), StandardCharsets.UTF_8));
            var in = bridge.getOutputStream();
            in.write((dev.forge.support.RawMcp.initializeBody("{}") + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(Json.parse(out.readLine()).path("result").path("protocolVersion").asString()).isNotEmpty();
            in.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n".getBytes(StandardCharsets.UTF_8));
            in.write("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"hi\"}}}\n"
                    .getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(out.readLine()).contains("Echo: hi");
            assertThat(gateway.sessions().all()).hasSize(1);
            in.close();
            assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bridge.exitValue()).isZero();
            assertThat(gateway.sessions().all()).isEmpty(); // it sent DELETE before exiting
        }
    }

    @Test
    void aWrongTokenOrAnUnreachableRemoteIsReportedOnStderr() throws Exception {
        Process p = new ProcessBuilder(forge("translate", "--connect-sse", "http://127.0.0.1:9/sse")).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("cannot connect to http://127.0.0.1:9/sse");
    }

    /** A translate bridge serving server-everything; its URL is read from what it prints when it is up. */
    record Bridge(Process process, String url) implements AutoCloseable {
        static Bridge start(String... extra) throws Exception {
            List<String> args = new ArrayList<>(List.of("translate", "--stdio", String.join(" ", Peers.everythingStdio()),
                    "--port", "0"));
            args.addAll(List.of(extra));
            Process p = new ProcessBuilder(forge(args.toArray(String[]::new))).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            Pattern serving = Pattern.compile("serving .* at (http://\\S+)/mcp");
            String line;
            while ((line = err.readLine()) != null) {
                Matcher m = serving.matcher(line);
                if (m.find()) {
                    Thread.ofVirtual().start(() -> {
                        try {
                            err.transferTo(java.io.Writer.nullWriter()); // keep draining until the bridge exits
                        } catch (java.io.IOException ended) {
                            // the bridge exited
                        }
                    });
                    return new Bridge(p, m.group(1));
                }
            }
            throw new IllegalStateException("forge translate exited with " + p.waitFor());
        }

        @Override
        public void close() throws Exception {
            process.destroy(); // SIGTERM: the bridge stops its server processes on the way out
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theTypeScriptClientSeesThroughStdioTranslateWhatItSeesDirectly() throws Exception {
        try (NodeHttpServer direct = NodeHttpServer.everything("streamableHttp"); Bridge bridge = Bridge.start()) {
            assertThat(Json.parse(Tokens.send("GET", bridge.url() + "/health", null, null).body()).path("status").asString())
                    .isEqualTo("healthy");
            java.nio.file.Path client = Peers.installed("ts-client.mjs");
            JsonNode bridged = TypeScriptSdkThroughGatewayTest.run(client, bridge.url() + "/mcp", "");
            JsonNode straight = TypeScriptSdkThroughGatewayTest.run(client, direct.url("/mcp"), "");
            assertThat(bridged.get("echo").toString()).contains("Echo: from typescript");
            assertThat(bridged).isEqualTo(straight);

            JsonNode seen = TypeScriptSdkThroughGatewayTest.run(Peers.installed("ts-passthrough.mjs"), bridge.url() + "/mcp", "");
            assertThat(seen.get("sampling").asString()).contains("sampled in typescript");
            assertThat(seen.get("elicitation").asString()).contains("teal");
            assertThat(seen.get("roots").asString()).contains("file:///ts-root");
            assertThat(seen.at("/seen/progress").size()).isEqualTo(3);
            assertThat(seen.get("cancellation").asString()).startsWith("rejected");
            assertThat(seen.at("/seen/logs").asInt()).isPositive();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> TestGateways.childProcesses("server-everything") == 0);
    }

    @Test
    void aBearerTokenCanBeRequiredOfTheBridgesClients() throws Exception {
        try (Bridge bridge = Bridge.start("--oauth2-bearer", "bridge-token-123", "--stateless")) {
            assertThat(Tokens.initialize(bridge.url() + "/mcp", null).statusCode()).isEqualTo(401);
            assertThat(Tokens.initialize(bridge.url() + "/mcp", "guess").statusCode()).isEqualTo(401);
            assertThat(Tokens.initialize(bridge.url() + "/mcp", "bridge-token-123").statusCode()).isEqualTo(200);
        }
    }
}
