package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.config.ChildEnvironment;
import dev.forge.protocol.Json;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.ToolCaller;
import dev.forge.support.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a server Forge starts can read of Forge's environment, asked of a real server that prints its own
 * ({@code server-everything}'s {@code get-env}) in each kind of process Forge starts: a gateway upstream (per-client
 * and shared), a managed service, and the server behind {@code forge translate --stdio}. Forge runs as the packaged
 * launcher with every production secret in its real environment, as the compose file's {@code env_file} puts them.
 */
class ChildEnvironmentIT {

    private static final String JWT_SECRET = "child-env-test-jwt-secret-0123456789abcdef";
    /** Everything of Forge's own that must stay inside it. */
    private static final Map<String, String> SECRETS = Map.of(
            "JWT_SECRET", JWT_SECRET,
            "FORGE_ENCRYPTION_KEY", "child-env-test-encryption-key-0123456789ab",
            "FORGE_ENCRYPTION_KEY_PREVIOUS", "child-env-test-previous-key-0123456789abcd",
            "POSTGRES_PASSWORD", "pg-password-must-not-leak",
            "REDIS_PASSWORD", "redis-password-must-not-leak",
            "BASIC_AUTH_PASSWORD", "basic-password-must-not-leak",
            "GATEWAY_API_TOKEN", "some-unrelated-token-must-not-leak");

    private Path dir;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void install() throws IOException {
        dir = Files.createTempDirectory("forge-child-env");
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void serversForgeStartsSeeTheAllowlistTheirDeclaredVariablesAndWhatTheyInheritNothingElse() throws Exception {
        String everything = String.join("\", \"", Peers.everythingStdio());
        Files.writeString(dir.resolve("forge.yaml"), """
                gateways:
                  - name: perclient
                    command: ["%1$s"]
                    env: { DECLARED_VALUE: declared-for-perclient }
                    inherit_env: [GITHUB_TOKEN]
                  - name: shared
                    command: ["%1$s"]
                    session_mode: shared
                """.formatted(everything));
        Files.writeString(dir.resolve("services.yml"), """
                services:
                  managed:
                    command: ["%s"]
                    environment:
                      DECLARED_VALUE: declared-for-service
                    inherit_env: [GITHUB_TOKEN]
                """.formatted(everything));
        Files.writeString(dir.resolve(".env"), "JWT_SECRET_KEY=from-the-env-file-must-not-leak-0123456789\n");
        int gatewayPort = NodeHttpServer.freePort();
        Map<String, String> forgeEnv = forgeEnvironment(Map.of(
                "GATEWAY_PORT", String.valueOf(gatewayPort),
                "FORGE_SERVICE_MANAGER_PORT", String.valueOf(NodeHttpServer.freePort()),
                "TOOL_ROUTER_PORT", String.valueOf(NodeHttpServer.freePort()),
                "DATA_PATH", dir.resolve("data").toString(),
                "DATABASE_URL", "sqlite:///" + dir.resolve("data/mcp.db"),
                "CONFIG_PATH", dir.toString(),
                "REDIS_URL", "redis://127.0.0.1:6379/15"));
        Path log = dir.resolve("forge.log");
        start(List.of("bin/forge", "serve", "--config", dir.resolve("forge.yaml").toString(), "--env-file",
                dir.resolve(".env").toString()), forgeEnv, log);
        String gateway = "http://127.0.0.1:" + gatewayPort;
        await().atMost(Duration.ofSeconds(90)).until(() -> ToolCaller.status(gateway + "/ready") == 200);
        String token = Tokens.hs256(JWT_SECRET, Tokens.claims("env-test").claim("role", "admin").build());

        Map<String, String> perClient = environmentOf(gateway + "/mcp", "perclient__get-env", token);
        assertThat(perClient).as("gateway upstream, per-client session").containsEntry("DECLARED_VALUE", "declared-for-perclient")
                .containsEntry("GITHUB_TOKEN", "inherited-by-name");
        assertOnly("gateway upstream, per-client session", perClient, Set.of("DECLARED_VALUE", "GITHUB_TOKEN"));

        Map<String, String> shared = environmentOf(gateway + "/mcp", "shared__get-env", token);
        assertThat(shared).as("gateway upstream, shared session: inherit_env is per entry").doesNotContainKey("GITHUB_TOKEN");
        assertOnly("gateway upstream, shared session", shared, Set.of());

        Map<String, String> service = environmentOf(gateway + "/mcp", "managed__get-env", token);
        assertThat(service).as("managed service").containsEntry("DECLARED_VALUE", "declared-for-service")
                .containsEntry("GITHUB_TOKEN", "inherited-by-name");
        assertOnly("managed service", service, Set.of("DECLARED_VALUE", "GITHUB_TOKEN"));

        int bridgePort = NodeHttpServer.freePort();
        Path bridgeLog = dir.resolve("translate.log");
        start(List.of("bin/forge", "translate", "--stdio", String.join(" ", Peers.everythingStdio()),
                "--port", String.valueOf(bridgePort), "--env", "DECLARED_VALUE=declared-for-translate",
                "--inherit-env", "GITHUB_TOKEN"), forgeEnvironment(Map.of()), bridgeLog);
        String bridge = "http://127.0.0.1:" + bridgePort;
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(bridgeLog).contains("forge translate: serving"));
        Map<String, String> translated = environmentOf(bridge + "/mcp", "get-env", token);
        assertThat(translated).as("forge translate --stdio").containsEntry("DECLARED_VALUE", "declared-for-translate")
                .containsEntry("GITHUB_TOKEN", "inherited-by-name");
        assertOnly("forge translate --stdio", translated, Set.of("DECLARED_VALUE", "GITHUB_TOKEN"));

        String logs = Files.readString(log) + Files.readString(bridgeLog);
        SECRETS.forEach((name, value) -> assertThat(logs).as("Forge's own output names no secret: " + name).doesNotContain(value));
    }

    private static Map<String, String> environmentOf(String endpoint, String tool, String token) throws Exception {
        Map<String, String> env = new HashMap<>();
        Json.parse(ToolCaller.text(endpoint, tool, token)).properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
        return env;
    }

    /** Nothing but the allowlist and {@code extra}; no secret by name or by value. */
    private static void assertOnly(String cell, Map<String, String> env, Set<String> extra) {
        Set<String> unexpected = new HashSet<>(env.keySet());
        unexpected.removeAll(extra);
        unexpected.removeIf(name -> ChildEnvironment.PASSED_THROUGH.contains(name) || name.startsWith("LC_"));
        assertThat(unexpected).as(cell + ": variables beyond the allowlist and the entry's own").isEmpty();
        for (String name : List.of("JWT_SECRET", "JWT_SECRET_KEY", "FORGE_ENCRYPTION_KEY", "FORGE_ENCRYPTION_KEY_PREVIOUS",
                "DATABASE_URL", "POSTGRES_PASSWORD", "REDIS_URL", "REDIS_PASSWORD", "BASIC_AUTH_PASSWORD", "GATEWAY_PORT",
                "CONFIG_PATH", "DATA_PATH", "FORGE_SERVICE_MANAGER_PORT", "TOOL_ROUTER_PORT", "LOG_LEVEL")) {
            assertThat(env).as(cell).doesNotContainKey(name);
        }
        String all = env.toString();
        SECRETS.forEach((name, value) -> assertThat(all).as(cell + ": the value of " + name).doesNotContain(value));
    }

    /** Forge's environment: what a program needs, every production secret, GITHUB_TOKEN to inherit, and {@code more}. */
    private static Map<String, String> forgeEnvironment(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(ChildEnvironment.passedThrough(System.getenv()));
        env.putAll(SECRETS);
        env.put("GITHUB_TOKEN", "inherited-by-name");
        env.put("LOG_LEVEL", "debug");
        env.put("RATE_LIMIT_PER_MINUTE", "0");
        env.putAll(more);
        return env;
    }

    private Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }
}
