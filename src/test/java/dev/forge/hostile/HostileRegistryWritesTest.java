package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.config.ServerRole;
import dev.forge.config.ServiceManagerConfig;
import dev.forge.protocol.Json;
import dev.forge.config.DatabaseUrl;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Registry writes an admin should not be able to make: names of Forge's own parts, the built-ins themselves, values
 * too large for their field. Each is refused with a 4xx that writes nothing, so the next start is as good as this one.
 */
class HostileRegistryWritesTest {

    private static final String SECRET = "hostile-registry-test-secret-0123456789abcdef";
    private static final String ADMIN = Tokens.hs256(SECRET, Tokens.claims("operator").claim("role", "admin").build());

    @TempDir
    Path dir;

    private ForgeConfig config() {
        return TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of())
                .withRoles(EnumSet.of(ServerRole.GATEWAY, ServerRole.TOOL_ROUTER), ServiceManagerConfig.none())
                .withDatabase(DatabaseUrl.parse("test", "sqlite:///" + dir.resolve("mcp.db")))
                .withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET)));
    }

    private static String stdioBody(String name) throws Exception {
        return Json.text(Json.object().put("name", name).put("transport", "stdio")
                .set("command", Json.valueToTree(Peers.everythingStdio())));
    }

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return Tokens.send(method, url, ADMIN, body);
    }

    private static void assertRefused(HttpResponse<String> answer, int status, String... mentions) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(Json.parse(answer.body()).path("message").asString()).contains(mentions);
    }

    @Test
    void restartingAfterEveryRejectedRegistryWriteSucceedsWithEverythingElseFederated() throws Exception {
        try (Gateway gateway = TestGateways.start(config())) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(send("POST", base + "/gateways", stdioBody("extra")).statusCode()).isEqualTo(201);

            for (String builtIn : List.of("router", "rest", "local")) {
                assertRefused(send("POST", base + "/gateways", "{\"name\":\"" + builtIn + "\",\"url\":\"http://127.0.0.1:9/mcp\"}"),
                        409, "body.name", "'" + builtIn + "'", "reserved");
                assertRefused(send("PUT", base + "/gateways/extra", stdioBody(builtIn)), 409, "reserved");
            }
            assertRefused(send("POST", base + "/gateways", "{\"name\":\"slow\",\"url\":\"http://127.0.0.1:9/mcp\","
                    + "\"timeout\":\"99999999999999999999h\"}"), 422, "timeout", "36500d");
            assertRefused(send("POST", base + "/gateways", "{\"name\":\"slow\",\"url\":\"http://127.0.0.1:9/mcp\","
                    + "\"timeout\":\"999999999999999999d\"}"), 422, "timeout", "36500d");
            assertRefused(send("PUT", base + "/gateways/extra", Json.text(((tools.jackson.databind.node.ObjectNode)
                    Json.parse(stdioBody("extra"))).put("timeout", "99999999999999999999h"))), 422, "timeout");

            JsonNode listed = Json.parse(send("GET", base + "/gateways", null).body());
            assertThat(listed.valueStream().map(g -> g.path("name").asString())).containsExactly("everything", "extra");
            assertThat(gateway.federation().find("router")).isNotNull();
        }
        try (Gateway again = TestGateways.start(config())) {
            assertThat(again.federation().upstreams().stream().map(u -> u.name()))
                    .containsExactlyInAnyOrder("everything", "extra", "router");
            assertThat(again.federation().find("extra").state().serves()).isTrue();
        }
    }

    @Test
    void builtInUpstreamsAndTheRoutersServerCannotBeDeletedRenamedOrDisabledThroughTheApi() throws Exception {
        try (Gateway gateway = TestGateways.start(config())) {
            String base = TestGateways.baseUrl(gateway);
            assertRefused(send("DELETE", base + "/gateways/router", null), 409, "'router'", "built in");
            assertRefused(send("PUT", base + "/gateways/router", stdioBody("mine")), 409, "built in");
            assertRefused(send("POST", base + "/gateways/router/state?activate=false", null), 409, "built in");
            assertThat(gateway.federation().find("router")).isNotNull();
            assertRefused(send("DELETE", base + "/servers/router", null), 409, "'router'", "built in");
            assertRefused(send("PUT", base + "/servers/router", "{\"name\":\"router\",\"tools\":[]}"), 409, "built in");
            assertThat(send("GET", base + "/servers/router/tools", null).body()).contains("router__");
            assertThat(Json.parse(send("POST", base + "/rpc",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").body()).toString()).contains("router__");
        }
    }

    @Test
    void tokenBodiesWithValuesTooLargeOrOfTheWrongShapeAreClientErrors() throws Exception {
        try (Gateway gateway = TestGateways.start(config())) {
            String base = TestGateways.baseUrl(gateway);
            assertRefused(send("POST", base + "/tokens", "{\"name\":\"forever\",\"sub\":\"mallory\",\"expires\":\"99999999999999999999d\"}"),
                    422, "expires", "36500d");
            assertRefused(send("POST", base + "/tokens", "{\"name\":\"forever\",\"sub\":\"mallory\",\"expires\":\"999999999999999999d\"}"),
                    422, "expires");
            for (String hostile : List.of("{\"name\":\"t\",\"sub\":\"m\",\"scopes\":[{}]}", "{\"name\":\"t\",\"sub\":\"m\",\"scopes\":[null]}",
                    "{\"name\":\"t\",\"sub\":\"m\",\"tools\":[{\"a\":1}]}", "{\"name\":\"t\",\"sub\":\"m\",\"expires\":\"0s\"}",
                    "{\"name\":\"t\",\"sub\":\"m\",\"expires\":-5}", "[]", "{\"name\":[],\"sub\":{}}",
                    "{\"name\":\"t\",\"sub\":\"m\",\"tools\":{\"a\":1}}")) {
                HttpResponse<String> answer = send("POST", base + "/tokens", hostile);
                assertThat(answer.statusCode()).as(hostile + " -> " + answer.body()).isBetween(400, 499);
            }
            HttpResponse<String> revocation = send("POST", base + "/tokens/revocations",
                    "{\"jti\":\"x\",\"expires_at\":\"+999999999-12-31T23:59:59Z\"}");
            assertThat(revocation.statusCode()).as(revocation.body()).isLessThan(500);
        }
    }

    @Test
    void aServiceDurationTooLargeForItsFieldIsAClientError() throws Exception {
        ForgeConfig managing = TestGateways.config(List.of(), List.of()).withRoles(EnumSet.allOf(ServerRole.class),
                new ServiceManagerConfig(0, List.of(), false, URI.create("http://127.0.0.1:0")))
                .withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET)));
        try (Gateway gateway = TestGateways.start(managing)) {
            String manager = "http://127.0.0.1:" + gateway.serviceManagerPort();
            assertRefused(send("POST", manager + "/services", "{\"name\":\"slow\",\"command\":\"x\",\"timeout\":\"99999999999999999999h\"}"),
                    422, "timeout", "36500d");
            assertRefused(send("POST", manager + "/services", "{\"name\":\"slow\",\"command\":\"x\","
                    + "\"sleep_policy\":{\"enabled\":true,\"idle_timeout\":\"999999999999999999d\"}}"), 422, "idle_timeout", "36500d");
            HttpResponse<String> notJson = send("POST", manager + "/services", "{\"name\": ");
            assertThat(notJson.statusCode()).as(notJson.body()).isEqualTo(400);
            assertThat(notJson.body()).contains("bad_request");
            assertThat(gateway.federation().find("slow")).isNull();
        }
    }

    @Test
    void registryBodiesOfTheWrongShapeAreClientErrorsAndTheNextStartIsUnaffected() throws Exception {
        Map<String, List<String>> hostile = Map.of(
                "/gateways", List.of("[]", "{\"name\":{}}", "{\"name\":\"g\",\"command\":[{}]}", "{\"name\":\"g\",\"command\":\"x\",\"env\":[1]}",
                        "{\"name\":\"g\",\"url\":[]}", "{\"name\":\"g\",\"url\":\"http://127.0.0.1:9/mcp\",\"headers\":{\"X\":{}}}",
                        "{\"name\":\"g\",\"command\":\"x\",\"max_concurrency\":99999999999999999999}",
                        "{\"name\":\"g\",\"command\":\"x\",\"tool_timeouts\":{\"t\":\"99999999999999999999s\"}}",
                        "{\"name\":\"g\",\"command\":\"x\",\"health_check_interval\":\"999999999999999999d\"}"),
                "/servers", List.of("[]", "{\"name\":\"s\",\"tools\":[{}]}", "{\"name\":\"s\",\"tools\":\"x\"}"),
                "/prompts", List.of("[]", "{\"name\":\"p\",\"template\":{}}", "{\"name\":\"p\",\"template\":\"t\",\"arguments\":[1]}"),
                "/resources", List.of("[]", "{\"uri\":{},\"content\":\"c\"}", "{\"uri\":\"docs://x\",\"content\":[]}"),
                "/tools", List.of("[]", "{\"name\":{}}", "{\"name\":\"t\",\"url\":[]}", "{\"name\":\"t\",\"url\":\"http://127.0.0.1:9/x\",\"headers\":[1]}"));
        try (Gateway gateway = TestGateways.start(config())) {
            String base = TestGateways.baseUrl(gateway);
            for (var entry : hostile.entrySet()) {
                for (String body : entry.getValue()) {
                    HttpResponse<String> answer = send("POST", base + entry.getKey(), body);
                    assertThat(answer.statusCode()).as("POST " + entry.getKey() + " " + body + " -> " + answer.body()).isBetween(400, 499);
                }
            }
            assertThat(Json.parse(send("GET", base + "/gateways", null).body()).size()).isEqualTo(1);
        }
        try (Gateway again = TestGateways.start(config())) {
            assertThat(again.federation().upstreams().stream().map(u -> u.name())).containsExactlyInAnyOrder("everything", "router");
        }
    }
}
