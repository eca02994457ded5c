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
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Registry rows that cannot be used — edited by hand, written by an older Forge, sealed with a key that is gone: the
 * start goes on without them, and says which and why in /gateways, /health and the log.
 */
class HostileRegistryRowsTest {

    private static final String SECRET = "hostile-registry-rows-secret-0123456789abcdef";
    private static final String ADMIN = Tokens.hs256(SECRET, Tokens.claims("operator").claim("role", "admin").build());

    @TempDir
    Path dir;

    private ForgeConfig config(Map<String, String> env) {
        Map<String, String> security = new HashMap<>(env);
        security.put("JWT_SECRET", SECRET);
        return TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of())
                .withRoles(EnumSet.of(ServerRole.GATEWAY, ServerRole.TOOL_ROUTER), ServiceManagerConfig.none())
                .withDatabase(DatabaseUrl.parse("test", "sqlite:///" + dir.resolve("mcp.db")))
                .withSecurity(TestGateways.security(security));
    }

    private static String stdioBody(String name, Map<String, String> env) {
        var body = Json.object().put("name", name).put("transport", "stdio");
        body.set("command", Json.valueToTree(Peers.everythingStdio()));
        body.set("env", Json.valueToTree(env));
        return Json.text(body);
    }

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return Tokens.send(method, url, ADMIN, body);
    }

    private void sql(String... statements) throws Exception {
        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("mcp.db"));
             var statement = connection.createStatement()) {
            for (String s : statements) {
                statement.executeUpdate(s);
            }
        }
    }

    private static Map<String, JsonNode> byName(JsonNode list) {
        Map<String, JsonNode> named = new HashMap<>();
        list.forEach(g -> named.put(g.path("name").asString(), g));
        return named;
    }

    @Test
    void rowsMadeUnusableInTheDatabaseAreShownInvalidAndEverythingElseStarts() throws Exception {
        try (Gateway gateway = TestGateways.start(config(Map.of()))) {
            String base = TestGateways.baseUrl(gateway);
            for (String name : List.of("extra", "renamed", "slow", "garbled")) {
                assertThat(send("POST", base + "/gateways", stdioBody(name, Map.of())).statusCode()).isEqualTo(201);
            }
        }
        sql("UPDATE gateways SET name = 'router' WHERE name = 'renamed'",
                "UPDATE gateways SET spec = json_set(spec, '$.timeout', '99999999999999999999h') WHERE name = 'slow'",
                "UPDATE gateways SET spec = '{not json' WHERE name = 'garbled'");

        try (Gateway gateway = TestGateways.start(config(Map.of()))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(gateway.federation().upstreams().stream().map(u -> u.name()))
                    .containsExactlyInAnyOrder("everything", "extra", "router");
            assertThat(gateway.federation().find("router").transportKind()).isNotEqualTo("stdio");

            Map<String, JsonNode> listed = byName(Json.parse(send("GET", base + "/gateways", null).body()));
            assertThat(listed.get("extra").path("status").asString()).isEqualTo("ready");
            assertThat(listed.get("router").path("status").asString()).isEqualTo("invalid");
            assertThat(listed.get("router").path("error").asString()).contains("'router'", "reserved");
            assertThat(listed.get("slow").path("status").asString()).isEqualTo("invalid");
            assertThat(listed.get("slow").path("error").asString()).contains("timeout", "36500d");
            assertThat(listed.get("garbled").path("status").asString()).isEqualTo("invalid");
            assertThat(listed.get("garbled").path("error").asString()).contains("spec");

            JsonNode health = Json.parse(send("GET", base + "/health", null).body());
            assertThat(health.path("status").asString()).isEqualTo("degraded");
            assertThat(health.path("invalid_gateways").propertyNames()).containsExactlyInAnyOrder("router", "slow", "garbled");
            assertThat(health.at("/invalid_gateways/slow/error").asString()).contains("timeout");
            JsonNode anonymous = Json.parse(Tokens.send("GET", base + "/health", null, null).body());
            assertThat(anonymous.has("invalid_gateways")).isFalse();

            // the operator's way out: delete or fix the entry; the built-in of the same name is never touched
            String stray = listed.get("router").path("id").asString();
            assertThat(send("POST", base + "/gateways/" + stray + "/state?activate=true", null).statusCode()).isEqualTo(409);
            assertThat(send("DELETE", base + "/gateways/" + stray, null).statusCode()).isEqualTo(200);
            assertThat(gateway.federation().find("router")).isNotNull();
            HttpResponse<String> fixed = send("PUT", base + "/gateways/slow", stdioBody("slow", Map.of()));
            assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(200);
            assertThat(Json.parse(fixed.body()).path("status").asString()).isEqualTo("ready");
        }
    }

    @Test
    void aRowWhoseSecretsCannotBeOpenedIsInvalidAndTheStartGoesOn() throws Exception {
        try (Gateway gateway = TestGateways.start(config(Map.of("FORGE_ENCRYPTION_KEY", "first-key-0123456789-abcdefghijklmnop")))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(send("POST", base + "/gateways", stdioBody("sealed", Map.of("API_TOKEN", "s3cret"))).statusCode()).isEqualTo(201);
            assertThat(send("POST", base + "/gateways", stdioBody("plain", Map.of())).statusCode()).isEqualTo(201);
        }
        try (Gateway gateway = TestGateways.start(config(Map.of("FORGE_ENCRYPTION_KEY", "other-key-0123456789-abcdefghijklmnop")))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(gateway.federation().upstreams().stream().map(u -> u.name()))
                    .containsExactlyInAnyOrder("everything", "plain", "router");
            Map<String, JsonNode> listed = byName(Json.parse(send("GET", base + "/gateways", null).body()));
            assertThat(listed.get("sealed").path("status").asString()).isEqualTo("invalid");
            assertThat(listed.get("sealed").path("error").asString()).contains("API_TOKEN");
            assertThat(listed.get("sealed").toString()).doesNotContain("s3cret");
            assertThat(listed.get("plain").path("status").asString()).isEqualTo("ready");
            // a masked value cannot keep a secret that cannot be read: refused, nothing written
            String masked = stdioBody("sealed", Map.of("API_TOKEN", "***"));
            assertThat(send("PUT", base + "/gateways/sealed", masked).statusCode()).isEqualTo(422);
            assertThat(send("PUT", base + "/gateways/sealed", stdioBody("sealed", Map.of("API_TOKEN", "new"))).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void restToolsLocalItemsAndServersMadeUnusableInTheDatabaseAreLeftOutAndNamedInHealth() throws Exception {
        String tool = """
                {"name":"%s","integration_type":"REST","request_type":"GET","url":"http://127.0.0.1:9/weather/{city}",
                 "input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}""";
        try (Gateway gateway = TestGateways.start(config(Map.of()))) {
            String base = TestGateways.baseUrl(gateway);
            for (String name : List.of("weather", "broken")) {
                HttpResponse<String> created = send("POST", base + "/tools", tool.formatted(name));
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            }
            assertThat(send("POST", base + "/prompts", "{\"name\":\"review\",\"template\":\"Review {{file}}\"}").statusCode())
                    .isEqualTo(201);
        }
        sql("UPDATE rest_tools SET spec = '{broken' WHERE name = 'broken'",
                "INSERT INTO local_items (id, kind, key_name, spec, created_at) VALUES "
                        + "('h1', 'PROMPT', 'hand', '{\"name\":\"hand\"}', '2026-01-01T00:00:00Z'), "
                        + "('h2', 'PROMPT', 'garbled', 'nope', '2026-01-01T00:00:00Z')",
                "INSERT INTO servers (id, name, description, members, created_at, updated_at) VALUES "
                        + "('s1', 'mangled', NULL, '[oops', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");

        try (Gateway gateway = TestGateways.start(config(Map.of()))) {
            String base = TestGateways.baseUrl(gateway);
            String tools = send("POST", base + "/rpc", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").body();
            assertThat(tools).contains("rest__weather").doesNotContain("rest__broken");
            String prompts = send("POST", base + "/rpc", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"prompts/list\"}").body();
            assertThat(prompts).contains("local__review").doesNotContain("local__hand");

            JsonNode health = Json.parse(send("GET", base + "/health", null).body());
            assertThat(health.path("status").asString()).isEqualTo("degraded");
            assertThat(health.at("/invalid_rest_tools/broken/error").asString()).contains("spec");
            assertThat(health.path("invalid_local_items").propertyNames()).containsExactlyInAnyOrder("prompt 'hand'", "prompt 'garbled'");
            assertThat(health.at("/invalid_local_items/prompt 'hand'/error").asString()).contains("template");
            assertThat(health.at("/invalid_servers/mangled/error").asString()).contains("members");
            JsonNode server = Json.parse(send("GET", base + "/servers/mangled", null).body());
            assertThat(server.path("status").asString()).isEqualTo("invalid");
        }
    }
}
