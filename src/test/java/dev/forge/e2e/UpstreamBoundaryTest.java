package dev.forge.e2e;

import static dev.forge.support.JsonReplies.reply;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forge.Gateway;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What crosses from Forge to upstreams: the gateway's own credentials, never the client's token; and nothing at all
 * to addresses the SSRF guard refuses (link-local, cloud metadata, private ranges unless allowed).
 */
class UpstreamBoundaryTest {

    static final String SECRET = "boundary-secret-0123456789-abcdefghijk";

    HttpServer upstream;
    String upstreamUrl;

    /** A minimal Streamable HTTP MCP server whose one tool answers with the Authorization header it was sent. */
    @BeforeEach
    void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/mcp", exchange -> {
            if (!exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 405, "");
                return;
            }
            JsonNode message = Json.parse(exchange.getRequestBody().readAllBytes());
            String method = message.path("method").asString("");
            ObjectNode result = Json.object();
            switch (method) {
                case "initialize" -> {
                    result.put("protocolVersion", "2025-06-18");
                    result.putObject("capabilities").putObject("tools");
                    result.putObject("serverInfo").put("name", "whoami").put("version", "1");
                }
                case "tools/list" -> {
                    ObjectNode tool = result.putArray("tools").addObject();
                    tool.put("name", "whoami");
                    tool.putObject("inputSchema").put("type", "object");
                }
                case "tools/call" -> result.putArray("content").addObject().put("type", "text")
                        .put("text", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                case "ping" -> { }
                default -> {
                    reply(exchange, 202, "");
                    return;
                }
            }
            ObjectNode response = Json.object();
            response.put("jsonrpc", "2.0");
            response.set("id", message.get("id"));
            response.set("result", result);
            exchange.getResponseHeaders().add("Mcp-Session-Id", "upstream-session");
            reply(exchange, 200, Json.text(response));
        });
        upstream.start();
        upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/mcp";
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop(0);
    }

    @Test
    void anUpstreamSeesTheGatewaysOwnCredentialNeverTheClientsToken() throws Exception {
        UpstreamConfig whoami = new UpstreamConfig.StreamableHttp("whoami", URI.create(upstreamUrl),
                Map.of("Authorization", "Bearer gateway-own-credential"), UpstreamPolicy.of(Duration.ofSeconds(10), SessionMode.SHARED));
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(whoami), List.of())
                .withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET))))) {
            String client = Tokens.hs256(SECRET, Tokens.claims("client").claim("role", "developer").build());
            String base = TestGateways.baseUrl(gateway);
            HttpResponse<String> call = Tokens.send("POST", base + "/rpc", client,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami__whoami\",\"arguments\":{}}}");
            String seen = Json.parse(call.body()).path("result").path("content").get(0).path("text").asString();
            assertThat(seen).isEqualTo("Bearer gateway-own-credential").doesNotContain(client);
        }
    }

    @Test
    void registeringUpstreamsAtMetadataLinkLocalOrPrivateAddressesIsRefused() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()))) {
            String base = TestGateways.baseUrl(gateway);
            Map<String, String> refused = Map.of(
                    "http://169.254.169.254/latest/meta-data/", "cloud metadata",
                    "http://metadata.google.internal/computeMetadata/v1/", "cloud metadata",
                    "http://[fe80::1]/mcp", "link-local",
                    "http://10.20.30.40/mcp", "SSRF_ALLOW_PRIVATE_NETWORKS",
                    "http://192.168.1.10/mcp", "SSRF_ALLOW_PRIVATE_NETWORKS");
            int i = 0;
            for (Map.Entry<String, String> target : refused.entrySet()) {
                HttpResponse<String> r = Tokens.send("POST", base + "/gateways", null,
                        "{\"name\":\"target-" + i++ + "\",\"url\":\"" + target.getKey() + "\"}");
                assertThat(r.statusCode()).as(target.getKey()).isEqualTo(422);
                assertThat(Json.parse(r.body()).path("message").asString()).as(target.getKey())
                        .contains("SSRF guard").contains(target.getValue());
            }
            HttpResponse<String> tool = Tokens.send("POST", base + "/tools", null,
                    "{\"name\":\"creds\",\"url\":\"http://169.254.169.254/latest/meta-data/iam\",\"request_type\":\"GET\"}");
            assertThat(tool.statusCode()).isEqualTo(422);
            assertThat(Tokens.send("GET", base + "/gateways", null, null).body()).isEqualTo("[]");
        }
    }

    @Test
    void aRestToolWhoseHostComesFromTheCallerCannotReachMetadataAddresses() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(Tokens.send("POST", base + "/tools", null,
                    "{\"name\":\"fetch\",\"url\":\"http://{host}/latest/meta-data\",\"request_type\":\"GET\"}").statusCode()).isEqualTo(201);
            HttpResponse<String> call = Tokens.send("POST", base + "/rpc", null,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"rest__fetch\",\"arguments\":{\"host\":\"169.254.169.254\"}}}");
            JsonNode result = Json.parse(call.body()).path("result");
            assertThat(result.path("isError").asBoolean()).isTrue();
            assertThat(result.path("content").get(0).path("text").asString()).contains("SSRF guard").contains("metadata");
        }
    }

    @Test
    void loopbackUpstreamsCanBeRefusedToo() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of())
                .withSecurity(TestGateways.security(Map.of("SSRF_ALLOW_LOCALHOST", "false"))))) {
            HttpResponse<String> r = Tokens.send("POST", TestGateways.baseUrl(gateway) + "/gateways", null,
                    "{\"name\":\"here\",\"url\":\"" + upstreamUrl + "\"}");
            assertThat(r.statusCode()).isEqualTo(422);
            assertThat(Json.parse(r.body()).path("message").asString()).contains("loopback");
        }
    }
}
