package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.cli.Main;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.config.DatabaseUrl;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Export, wipe, import: the same registry comes back; conflicts, dry runs and masked secrets behave. */
class RegistryTransferTest {

    @TempDir
    Path dir;

    static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return GatewayRegistryApiTest.send(method, url, body);
    }

    static JsonNode withoutTimestamp(String export) {
        ObjectNode doc = (ObjectNode) Json.parse(export);
        doc.remove("exported_at");
        return doc;
    }

    @Test
    void exportWipeImportGivesBackTheSameRegistry() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(), List.of());
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(send("POST", base + "/gateways", GatewayRegistryApiTest.memoryBody("memory")).statusCode()).isEqualTo(201);
            assertThat(send("POST", base + "/servers", "{\"name\":\"graph\",\"tools\":[\"memory__read_graph\"]}").statusCode()).isEqualTo(201);

            String masked = send("GET", base + "/export", null).body();
            assertThat(masked).contains("\"MEMORY_FILE_PATH\":\"***\"");
            String full = send("GET", base + "/export?include_secrets=true", null).body();
            assertThat(full).doesNotContain("***");

            HttpResponse<String> conflict = send("POST", base + "/import?conflict=fail", full);
            assertThat(conflict.statusCode()).isEqualTo(409);
            JsonNode dry = Json.parse(send("POST", base + "/import?conflict=rename&dry_run=true", full).body());
            assertThat(dry.at("/renamed/gateway memory").asString()).isEqualTo("memory-2");
            assertThat(Json.parse(send("GET", base + "/gateways", null).body())).hasSize(1); // the dry run wrote nothing

            send("DELETE", base + "/servers/graph", null);
            send("DELETE", base + "/gateways/memory", null);
            HttpResponse<String> refused = send("POST", base + "/import", masked);
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(refused.body()).contains("include_secrets");
            assertThat(Json.parse(send("GET", base + "/gateways", null).body())).isEmpty();

            JsonNode report = Json.parse(send("POST", base + "/import", full).body());
            assertThat(report.get("created")).hasSize(2);
            assertThat(withoutTimestamp(send("GET", base + "/export?include_secrets=true", null).body())).isEqualTo(withoutTimestamp(full));
            assertThat(gateway.federation().find("memory")).isNotNull();
        }
    }

    @Test
    void theCliExportsAndImportsWithTheSameCode() throws Exception {
        DatabaseUrl source = DatabaseUrl.parse("test", "sqlite:///" + dir.resolve("source.db"));
        ForgeConfig config = TestGateways.config(List.of(), List.of());
        ForgeConfig withSource = config.withDatabase(source);
        try (Gateway gateway = TestGateways.start(withSource)) {
            send("POST", TestGateways.baseUrl(gateway) + "/servers", "{\"name\":\"kept\",\"tools\":[\"x__y\"]}");
        }
        Path exported = dir.resolve("registry.json");
        assertThat(cli("sqlite:///" + dir.resolve("source.db"), "export", "--output", exported.toString())).isZero();
        assertThat(Files.readString(exported)).contains("\"kept\"");
        assertThat(cli("sqlite:///" + dir.resolve("target.db"), "import", exported.toString())).isZero();
        Path again = dir.resolve("again.json");
        assertThat(cli("sqlite:///" + dir.resolve("target.db"), "export", "--output", again.toString())).isZero();
        assertThat(Json.parse(Files.readString(again)).get("servers")).isEqualTo(Json.parse(Files.readString(exported)).get("servers"));
    }

    @Test
    void aBackupTakenWhileRunningRestoresTheRegistry() throws Exception {
        String url = "sqlite:///" + dir.resolve("live.db");
        ForgeConfig base = TestGateways.config(List.of(), List.of());
        ForgeConfig live = base.withDatabase(DatabaseUrl.parse("test", url));
        Path backup = dir.resolve("backup.db");
        try (Gateway gateway = TestGateways.start(live)) {
            String api = TestGateways.baseUrl(gateway);
            send("POST", api + "/servers", "{\"name\":\"precious\",\"tools\":[\"a__b\"]}");
            assertThat(cli(url, "backup", "--output", backup.toString())).isZero(); // while the gateway runs
            send("DELETE", api + "/servers/precious", null);
            assertThat(Json.parse(send("GET", api + "/servers", null).body())).isEmpty();
        }
        Path notARegistry = dir.resolve("other.db");
        Files.writeString(notARegistry, "hello");
        assertThat(cli(url, "restore", notARegistry.toString())).isEqualTo(2);
        assertThat(cli(url, "restore", backup.toString())).isZero();
        try (Gateway gateway = TestGateways.start(live)) {
            JsonNode servers = Json.parse(send("GET", TestGateways.baseUrl(gateway) + "/servers", null).body());
            assertThat(servers.valueStream().map(s -> s.get("name").asString())).containsExactly("precious");
        }
    }

    private int cli(String databaseUrl, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DATABASE_URL", databaseUrl);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) {
            System.err.println(output);
        }
        return p.exitValue();
    }
}
