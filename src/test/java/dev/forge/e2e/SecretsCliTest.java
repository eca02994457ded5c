package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.cli.Main;
import dev.forge.protocol.Json;
import dev.forge.store.Database;
import dev.forge.config.DatabaseUrl;
import dev.forge.store.GatewayRecord;
import dev.forge.store.GatewayRepository;
import dev.forge.store.SecretBox;
import dev.forge.support.FirstFormatSeal;
import dev.forge.support.TestGateways;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code forge secrets rotate} through the real command line, against the SQLite file a running gateway uses: after it,
 * every stored credential is sealed with the new key, and the old key can go.
 */
class SecretsCliTest {

    static final String K1 = "old-encryption-key-0123456789-abcdefghij";
    static final String K2 = "new-encryption-key-0123456789-abcdefghij";

    record Run(int code, String out, String err) {}

    /** The command in its own JVM, seeing only the variables in {@code envFile} for the settings this test is about. */
    static Run cli(Path envFile, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--env-file", envFile.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        List.of("FORGE_ENCRYPTION_KEY", "FORGE_ENCRYPTION_KEY_PREVIOUS", "ENCRYPTION_KEY", "DATABASE_URL", "FORGE_ENV", "NODE_ENV")
                .forEach(builder.environment()::remove);
        Process p = builder.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream()).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err.join());
    }

    static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path envFile(Path dir, String name, String url, String... lines) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "DATABASE_URL=" + url + "\nAUDIT_LOG_PATH=off\n" + String.join("\n", lines) + "\n");
        return file;
    }

    static Gateway gateway(String url, Map<String, String> keys) throws Exception {
        return TestGateways.start(TestGateways.config(List.of(), List.of())
                .withDatabase(DatabaseUrl.parse("test", url)).withSecurity(TestGateways.security(keys)));
    }

    static HttpResponse<String> send(String method, String url, String body) throws Exception {
        return GatewayRegistryApiTest.send(method, url, body);
    }

    static String gatewayBody(String name, String apiKey) {
        return """
                {"name":"%s","transport":"stdio","command":["true"],"env":{"API_KEY":"%s"},"enabled":false}""".formatted(name, apiKey);
    }

    /** Every credential value in the file, by table/name/field/key. */
    static Map<String, String> storedValues(Path file) throws Exception {
        Map<String, String> values = new TreeMap<>();
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + file); var statement = db.createStatement()) {
            for (String table : List.of("gateways", "rest_tools")) {
                var rows = statement.executeQuery("SELECT name, spec FROM " + table);
                while (rows.next()) {
                    String name = rows.getString("name");
                    ObjectNode spec = (ObjectNode) Json.parse(rows.getString("spec"));
                    for (String field : List.of("headers", "env")) {
                        spec.path(field).properties().forEach(e -> values.put(table + "/" + name + "/" + field + "/" + e.getKey(),
                                e.getValue().asString()));
                    }
                }
            }
        }
        return values;
    }

    @Test
    void rotatingWhileAGatewayWritesLeavesEveryCredentialReadableWithTheNewKeyAlone() throws Exception {
        Path dir = Files.createTempDirectory("forge-secrets-cli");
        Path file = dir.resolve("mcp.db");
        String url = "sqlite:///" + file;
        try (Gateway old = gateway(url, Map.of("FORGE_ENCRYPTION_KEY", K1))) {
            String base = TestGateways.baseUrl(old);
            for (String name : List.of("alpha", "beta", "gamma")) {
                assertThat(send("POST", base + "/gateways", gatewayBody(name, name + "-secret")).statusCode()).isEqualTo(201);
            }
            assertThat(send("POST", base + "/tools", """
                    {"name":"items","url":"http://127.0.0.1:9/items/{id}","headers":{"X-Api-Key":"rest-secret"}}""").statusCode())
                    .isEqualTo(201);
        }
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + file);
             var update = db.prepareStatement("UPDATE gateways SET spec = json_set(spec, '$.env.API_KEY', ?) WHERE name = 'gamma'")) {
            update.setString(1, FirstFormatSeal.seal(K1, "gamma-secret")); // a row from before the current format
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        Path rotating = envFile(dir, "rotating.env", url, "FORGE_ENCRYPTION_KEY=" + K2, "FORGE_ENCRYPTION_KEY_PREVIOUS=" + K1);
        List<Integer> statuses = new ArrayList<>();
        String lastWritten;
        try (Gateway gateway = gateway(url, Map.of("FORGE_ENCRYPTION_KEY", K2, "FORGE_ENCRYPTION_KEY_PREVIOUS", K1))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(send("GET", base + "/export?include_secrets=true", null).body())
                    .contains("alpha-secret", "beta-secret", "gamma-secret", "rest-secret");

            AtomicBoolean rotated = new AtomicBoolean();
            CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> { // the gateway keeps writing meanwhile
                String value = null;
                for (int i = 0; !rotated.get() || i < 3; i++) {
                    value = "alpha-secret-" + i;
                    try {
                        statuses.add(send("PUT", base + "/gateways/alpha", gatewayBody("alpha", value)).statusCode());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return value;
            });
            Run run = cli(rotating, "secrets", "rotate");
            rotated.set(true);
            lastWritten = writer.join();
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).containsPattern("gateways: [1-3] re-sealed, 0 sealed \\(were stored in the clear\\), [0-2] already current")
                    .contains("rest_tools: 1 re-sealed, 0 sealed (were stored in the clear), 0 already current");
            assertThat(run.err()).contains("FORGE_ENCRYPTION_KEY_PREVIOUS can be removed");
        }
        assertThat(statuses).hasSizeGreaterThanOrEqualTo(3).containsOnly(200);

        Map<String, String> stored = storedValues(file);
        assertThat(stored).hasSize(4).allSatisfy((where, value) -> assertThat(value).as(where).startsWith("enc:v2:"));
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + file);
             var check = db.createStatement().executeQuery("PRAGMA integrity_check")) {
            check.next();
            assertThat(check.getString(1)).isEqualTo("ok");
        }
        try (Database database = Database.open(DatabaseUrl.parse("test", url), false)) {
            GatewayRepository newKeyAlone = new GatewayRepository(database, Clock.systemUTC(), SecretBox.of(K2, false));
            assertThat(newKeyAlone.list()).extracting(g -> g.name() + "=" + g.spec().at("/env/API_KEY").asString())
                    .containsExactly("alpha=" + lastWritten, "beta=beta-secret", "gamma=gamma-secret"); // no write was lost
        }

        Run again = cli(rotating, "secrets", "rotate");
        assertThat(again.out()).isEqualTo("""
                gateways: 0 re-sealed, 0 sealed (were stored in the clear), 3 already current
                rest_tools: 0 re-sealed, 0 sealed (were stored in the clear), 1 already current""");
        assertThat(storedValues(file)).isEqualTo(stored);

        try (Gateway gateway = gateway(url, Map.of("FORGE_ENCRYPTION_KEY", K2))) {
            assertThat(send("GET", TestGateways.baseUrl(gateway) + "/export?include_secrets=true", null).body())
                    .contains(lastWritten, "beta-secret", "gamma-secret", "rest-secret");
        }
    }

    @Test
    void rotationIsRefusedWithoutAKeyAndStopsWithNothingWrittenAtAValueNoKeyOpens() throws Exception {
        Path dir = Files.createTempDirectory("forge-secrets-cli");
        String url = "sqlite:///" + dir.resolve("mcp.db");
        GatewayRecord alpha;
        try (Database database = Database.open(DatabaseUrl.parse("test", url), false)) {
            GatewayRepository repository = new GatewayRepository(database, Clock.systemUTC(), SecretBox.of(K1, false));
            alpha = repository.insert("alpha", "stdio", (ObjectNode) Json.parse("{\"command\":[\"true\"],\"env\":{\"API_KEY\":\"a\"}}"), false);
        }
        Map<String, String> before = storedValues(dir.resolve("mcp.db"));

        Run noKey = cli(envFile(dir, "none.env", url), "secrets", "rotate");
        assertThat(noKey.code()).isEqualTo(2);
        assertThat(noKey.err()).contains("forge secrets rotate: FORGE_ENCRYPTION_KEY is not set (expected: the key to re-seal with;");

        Run previousMissing = cli(envFile(dir, "new.env", url, "FORGE_ENCRYPTION_KEY=" + K2), "secrets", "rotate");
        assertThat(previousMissing.code()).isEqualTo(2);
        assertThat(previousMissing.err()).contains("forge secrets rotate: nothing was written: gateways/" + alpha.id()
                + "/env/API_KEY (gateway 'alpha'): cannot be opened with FORGE_ENCRYPTION_KEY (");

        Path both = envFile(dir, "both.env", url, "FORGE_ENCRYPTION_KEY=" + K2, "FORGE_ENCRYPTION_KEY_PREVIOUS=" + K1);
        Run dryRun = cli(both, "secrets", "rotate", "--dry-run");
        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).startsWith("gateways: 1 to re-seal, 0 to seal (stored in the clear), 0 already current (dry run: nothing written)");
        assertThat(storedValues(dir.resolve("mcp.db"))).isEqualTo(before);
    }
}
