package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.cli.Main;
import dev.forge.config.DatabaseUrl;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code forge token create|list|revoke} with {@code --env-file}, against the database a running gateway uses:
 * the token printed works there, and revoking it from the command line reaches the running gateway.
 */
class TokenCliTest {

    static final String SECRET = "cli-secret-0123456789-abcdefghijklmnopq";

    record Run(int code, String out, String err) {}

    static Run cli(Path envFile, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--env-file", envFile.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JWT_SECRET");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void aTokenFromTheCommandLineWorksOnTheGatewayUntilRevokedThere() throws Exception {
        Path dir = Files.createTempDirectory("forge-token-cli");
        String url = "sqlite:///" + dir.resolve("mcp.db");
        Path env = dir.resolve(".env");
        Files.writeString(env, "JWT_SECRET=" + SECRET + "\nDATABASE_URL=" + url + "\nAUDIT_LOG_PATH=off\n");
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of())
                .withDatabase(DatabaseUrl.parse("test", url)).withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET))))) {
            String base = TestGateways.baseUrl(gateway);
            Run created = cli(env, "token", "create", "--name", "nightly", "--sub", "ci-bot", "--role", "viewer", "--expires", "2h");
            assertThat(created.code()).as(created.err()).isZero();
            String token = created.out();
            assertThat(token.split("\\.")).hasSize(3);
            assertThat(created.err()).contains("for ci-bot (viewer)").contains("not shown again");
            assertThat(Tokens.send("GET", base + "/gateways", token, null).statusCode()).isEqualTo(200);
            assertThat(Tokens.send("POST", base + "/servers", token, "{\"name\":\"x\",\"tools\":[]}").statusCode()).isEqualTo(403);

            Run listed = cli(env, "token", "list");
            assertThat(listed.out()).contains("nightly").contains("ci-bot").contains("active").doesNotContain(token);
            String id = listed.out().lines().filter(l -> l.contains("nightly")).findFirst().orElseThrow().split("\\s+")[0];

            assertThat(cli(env, "token", "revoke", id).out()).isEqualTo("revoked " + id);
            await().atMost(Duration.ofSeconds(30)).until(() -> Tokens.send("GET", base + "/gateways", token, null).statusCode() == 401);
            assertThat(cli(env, "token", "list").out()).contains("revoked");
        }
    }

    @Test
    void badRequestsAreRefusedWithAReason() throws Exception {
        Path dir = Files.createTempDirectory("forge-token-cli");
        Path env = dir.resolve(".env");
        Files.writeString(env, "JWT_SECRET=" + SECRET + "\nDATABASE_URL=sqlite:///" + dir.resolve("mcp.db") + "\nAUDIT_LOG_PATH=off\n");
        Run badRole = cli(env, "token", "create", "--name", "x", "--role", "root");
        assertThat(badRole.code()).isEqualTo(2);
        assertThat(badRole.err()).contains("role: 'root'");
        Run beyond = cli(env, "token", "create", "--name", "x", "--role", "viewer", "--scope", "admin:write");
        assertThat(beyond.err()).contains("beyond role viewer");
        Path noSecret = dir.resolve("none.env");
        Files.writeString(noSecret, "DATABASE_URL=sqlite:///" + dir.resolve("mcp.db") + "\nAUDIT_LOG_PATH=off\n");
        Run unsigned = cli(noSecret, "token", "create", "--name", "x");
        assertThat(unsigned.code()).isEqualTo(2);
        assertThat(unsigned.err()).contains("no JWT_SECRET is configured");
    }
}
