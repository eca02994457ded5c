package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code inherit_env} on its way through the registry, where forge.yaml's gateways are stored: the entry is
 * federated with it, an API round trip may keep it, but no API call may add or change it — else an admin token could
 * read any variable of Forge's through a server that prints its environment.
 */
class InheritEnvRegistryTest {

    @Test
    void aForgeYamlEntryKeepsItsInheritanceThroughTheRegistryAndTheApiCannotWidenIt() throws Exception {
        UpstreamConfig everything = new UpstreamConfig.Stdio("everything", Peers.everythingStdio(), Map.of("DECLARED", "yes"),
                List.of("GITHUB_TOKEN"), UpstreamPolicy.of(Duration.ofSeconds(20), SessionMode.SHARED));
        var config = TestGateways.config(List.of(everything), List.of())
                .withSecurity(TestGateways.security(Map.of("GITHUB_TOKEN", "from-forges-environment", "DATABASE_URL", "postgresql://u:p@db/x")));
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(environment(base)).containsEntry("GITHUB_TOKEN", "from-forges-environment").containsEntry("DECLARED", "yes")
                    .doesNotContainKey("DATABASE_URL");

            ObjectNode shown = (ObjectNode) Json.parse(send("GET", base + "/gateways/everything", null).body());
            assertThat(shown.at("/spec/inherit_env").toString()).isEqualTo("[\"GITHUB_TOKEN\"]");
            ObjectNode same = ((ObjectNode) shown.get("spec")).deepCopy().put("name", "everything");
            HttpResponse<String> kept = send("PUT", base + "/gateways/everything", same);
            assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> "from-forges-environment".equals(environment(base).get("GITHUB_TOKEN")));

            ObjectNode widened = same.deepCopy();
            widened.putArray("inherit_env").add("GITHUB_TOKEN").add("DATABASE_URL");
            HttpResponse<String> refused = send("PUT", base + "/gateways/everything", widened);
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(refused.body()).contains("inherit_env: not accepted through the API");

            ObjectNode fresh = same.deepCopy().put("name", "another");
            HttpResponse<String> created = send("POST", base + "/gateways", fresh);
            assertThat(created.statusCode()).isEqualTo(422);
            assertThat(created.body()).contains("inherit_env: not accepted through the API");
        }
    }

    private static Map<String, String> environment(String base) throws Exception {
        HttpResponse<String> response = send("POST", base + "/rpc", Json.parse("""
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"everything__get-env","arguments":{}}}"""));
        JsonNode printed = Json.parse(Json.parse(response.body()).at("/result/content/0/text").asString());
        Map<String, String> env = new java.util.HashMap<>();
        printed.properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
        return env;
    }

    private static HttpResponse<String> send(String method, String url, JsonNode body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.text(body));
        return RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, publisher).build(), HttpResponse.BodyHandlers.ofString());
    }
}
