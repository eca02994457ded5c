package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.config.DatabaseUrl;
import dev.forge.support.TestGateways;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An admin sending back what GET showed ({@code ***} for every credential, the URL masked): what is unchanged keeps
 * its stored value, but a stored credential never follows the gateway to a new host or program, and a masked URL
 * cannot be edited. The gateways are registered disabled, so nothing connects to the hosts named here.
 */
class MaskedUpdateTest {

    static final String KEY = "masked-update-key-0123456789-abcdefghij";
    static final String PASSWORD = "url-pa55word-hunter2";
    static final String API_KEY = "sk-live-url-key-4242";
    static final String TOKEN = "Bearer header-t0ken-4242";
    static final String URL = "http://forge:" + PASSWORD + "@127.0.0.1:9/mcp?api_key=" + API_KEY;

    Path file;
    Gateway gateway;
    String base;

    @BeforeEach
    void start() throws Exception {
        file = Files.createTempDirectory("forge-masked-update").resolve("mcp.db");
        gateway = TestGateways.start(TestGateways.config(List.of(), List.of())
                .withDatabase(DatabaseUrl.parse("test", "sqlite:///" + file))
                .withSecurity(TestGateways.security(Map.of("FORGE_ENCRYPTION_KEY", KEY))));
        base = TestGateways.baseUrl(gateway);
        HttpResponse<String> vault = send("POST", "/gateways", """
                {"name":"vault","url":"%s","headers":{"Authorization":"%s"},"enabled":false}""".formatted(URL, TOKEN));
        assertThat(vault.statusCode()).as(vault.body()).isEqualTo(201);
        HttpResponse<String> runner = send("POST", "/gateways", """
                {"name":"runner","command":["true","--serve"],"env":{"API_KEY":"env-k3y-4242"},"enabled":false}""");
        assertThat(runner.statusCode()).as(runner.body()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aGatewayReadBackAndSentUnchangedKeepsItsUrlAndCredentials() throws Exception {
        JsonNode before = secrets("vault");
        String row = row("vault");
        assertThat(row).doesNotContain(PASSWORD, API_KEY, TOKEN, "127.0.0.1");
        assertThat(Json.parse(row.substring(0, row.indexOf('\n'))).get("url").asString()).startsWith("enc:v2:");

        ObjectNode shown = shown("vault");
        assertThat(Json.text(shown)).doesNotContain(PASSWORD, API_KEY, TOKEN).contains("forge:***@127.0.0.1:9", "\"Authorization\":\"***\"");
        HttpResponse<String> same = send("PUT", "/gateways/vault", Json.text(shown));
        assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
        HttpResponse<String> sameStdio = send("PUT", "/gateways/runner", Json.text(shown("runner")));
        assertThat(sameStdio.statusCode()).as(sameStdio.body()).isEqualTo(200);

        assertThat(secrets("vault")).isEqualTo(before);
        assertThat(secrets("runner").at("/env/API_KEY").asString()).isEqualTo("env-k3y-4242");
        assertThat(row("vault")).doesNotContain(PASSWORD, API_KEY, TOKEN);
    }

    @Test
    void aMaskedHeaderDoesNotFollowTheGatewayToAnotherHost() throws Exception {
        String row = row("vault");
        ObjectNode moved = shown("vault").put("url", "https://collector.example.net/mcp");

        HttpResponse<String> refused = send("PUT", "/gateways/vault", Json.text(moved));

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(message(refused)).isEqualTo("body.headers.Authorization: '***' keeps the stored value only while the url's "
                + "origin is unchanged (expected: the value itself)");
        assertThat(row("vault")).as("nothing was written").isEqualTo(row);

        ObjectNode exported = (ObjectNode) Json.parse(send("GET", "/export", null).body());
        ((ObjectNode) exported.get("gateways").valueStream().filter(g -> g.path("name").asString().equals("vault")).findFirst()
                .orElseThrow()).put("url", "http://localhost:9/mcp");
        HttpResponse<String> imported = send("POST", "/import?conflict=update", Json.text(exported));
        assertThat(imported.statusCode()).isEqualTo(422);
        assertThat(message(imported)).contains("gateways[").contains("body.headers.Authorization: '***' keeps the stored value only");
        assertThat(row("vault")).as("nothing was imported").isEqualTo(row);

        HttpResponse<String> withTheValue = send("PUT", "/gateways/vault", Json.text(moved.put("url", "http://localhost:9/mcp")
                .set("headers", Json.object().put("Authorization", "Bearer new-t0ken"))));
        assertThat(withTheValue.statusCode()).as(withTheValue.body()).isEqualTo(200);
        assertThat(secrets("vault").at("/headers/Authorization").asString()).isEqualTo("Bearer new-t0ken");
    }

    @Test
    void aMaskedHeaderStaysWhenOnlyThePathChangesButAMaskedUrlCannotBeEdited() throws Exception {
        String row = row("vault");
        ObjectNode edited = shown("vault");
        edited.put("url", edited.get("url").asString().replace("/mcp", "/v2/mcp"));
        assertThat(edited.get("url").asString()).isEqualTo("http://forge:***@127.0.0.1:9/v2/mcp?api_key=***");

        HttpResponse<String> refused = send("PUT", "/gateways/vault", Json.text(edited));

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(message(refused)).isEqualTo("body.url: shown masked; send the whole url to change it");
        assertThat(row("vault")).isEqualTo(row);

        String movedUrl = URL.replace("/mcp", "/v2/mcp");
        HttpResponse<String> whole = send("PUT", "/gateways/vault", Json.text(edited.put("url", movedUrl)));
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(200);
        assertThat(secrets("vault").get("url").asString()).isEqualTo(movedUrl);
        assertThat(secrets("vault").at("/headers/Authorization").asString()).as("same origin: the stored header stays").isEqualTo(TOKEN);
    }

    @Test
    void aMaskedEnvironmentValueDoesNotFollowTheGatewayToAnotherCommand() throws Exception {
        String row = row("runner");
        ObjectNode other = shown("runner");
        other.putArray("command").add("sh").add("-c").add("env");

        HttpResponse<String> refused = send("PUT", "/gateways/runner", Json.text(other));

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(message(refused)).isEqualTo("body.env.API_KEY: '***' keeps the stored value only while the command "
                + "is unchanged (expected: the value itself)");
        assertThat(row("runner")).isEqualTo(row);

        HttpResponse<String> asOneLine = send("PUT", "/gateways/runner", Json.text(other.put("command", "true --serve")));
        assertThat(asOneLine.statusCode()).as("the same words written as one command line").isEqualTo(200);
        assertThat(secrets("runner").at("/env/API_KEY").asString()).isEqualTo("env-k3y-4242");

        HttpResponse<String> unknown = send("PUT", "/gateways/runner", Json.text(shown("runner").set("env", Json.object().put("OTHER", "***"))));
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(message(unknown)).isEqualTo("body.env.OTHER: '***' but nothing is stored under that name (expected: the value itself)");
    }

    /** The spec as GET shows it, with the name: what an admin tool would send back. */
    ObjectNode shown(String name) throws Exception {
        HttpResponse<String> got = send("GET", "/gateways/" + name, null);
        assertThat(got.statusCode()).isEqualTo(200);
        return ((ObjectNode) Json.parse(got.body()).get("spec")).deepCopy().put("name", name);
    }

    /** The stored spec with every secret, as an export with include_secrets gives it. */
    JsonNode secrets(String name) throws Exception {
        JsonNode doc = Json.parse(send("GET", "/export?include_secrets=true", null).body());
        return doc.get("gateways").valueStream().filter(g -> g.path("name").asString().equals(name)).findFirst().orElseThrow();
    }

    /** The row's spec and when it was last written, as the database file holds them. */
    String row(String name) throws Exception {
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + file);
             var query = db.prepareStatement("SELECT spec || char(10) || updated_at FROM gateways WHERE name = ?")) {
            query.setString(1, name);
            var rows = query.executeQuery();
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return GatewayRegistryApiTest.send(method, base + path, body);
    }

    static String message(HttpResponse<String> response) {
        return Json.parse(response.body()).path("message").asString();
    }
}
