package dev.forge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("forge.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static ConfigLoader.Flags flags(Path file) {
        return new ConfigLoader.Flags(file, null, null);
    }

    @Test
    void readsTheDocumentedShape() throws Exception {
        Path f = file("""
                gateways:
                  - name: everything
                    transport: stdio
                    command: ["npx", "-y", "@modelcontextprotocol/server-everything"]
                    env: { LOG_LEVEL: debug }
                    session_mode: per-client
                  - name: docs
                    transport: streamable-http
                    url: https://example.org/mcp
                    headers: { Authorization: "Bearer ${DOCS_TOKEN}" }
                    timeout: 30s
                servers:
                  - name: cursor
                    tools: [everything__echo, docs__search]
                """);
        ForgeConfig config = new ConfigLoader(Map.of("DOCS_TOKEN", "t0k")).load(flags(f));
        assertThat(config.port()).isEqualTo(4444);
        assertThat(config.gateways()).hasSize(2);
        var stdio = (UpstreamConfig.Stdio) config.gateways().get(0);
        assertThat(stdio.command()).containsExactly("npx", "-y", "@modelcontextprotocol/server-everything");
        assertThat(stdio.env()).containsEntry("LOG_LEVEL", "debug");
        assertThat(stdio.sessionMode()).isEqualTo(SessionMode.PER_CLIENT);
        var http = (UpstreamConfig.StreamableHttp) config.gateways().get(1);
        assertThat(http.headers()).containsEntry("Authorization", "Bearer t0k");
        assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.servers().getFirst().tools()).containsExactly("everything__echo", "docs__search");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path f = file("port: 5000\n");
        assertThat(new ConfigLoader(Map.of()).load(flags(f)).port()).isEqualTo(5000);
        assertThat(new ConfigLoader(Map.of("GATEWAY_PORT", "6000")).load(flags(f)).port()).isEqualTo(6000);
        assertThat(new ConfigLoader(Map.of("PORT", "6001")).load(flags(f)).port()).isEqualTo(6001);
        assertThat(new ConfigLoader(Map.of("GATEWAY_PORT", "6000")).load(new ConfigLoader.Flags(f, 7000, null)).port()).isEqualTo(7000);
    }

    @Test
    void theFileIsFoundUnderConfigPath() throws Exception {
        file("gateways:\n  - name: a\n    command: echo hi\n");
        ForgeConfig config = new ConfigLoader(Map.of("CONFIG_PATH", dir.toString())).load(ConfigLoader.Flags.none());
        assertThat(config.gateways()).extracting(UpstreamConfig::name).containsExactly("a");
    }

    @Test
    void aCommandStringIsSplitLikeAShell() throws Exception {
        Path f = file("gateways:\n  - name: a\n    command: node 'my server.js' --flag \"two words\"\n");
        var stdio = (UpstreamConfig.Stdio) new ConfigLoader(Map.of()).load(flags(f)).gateways().getFirst();
        assertThat(stdio.command()).isEqualTo(List.of("node", "my server.js", "--flag", "two words"));
    }

    @Test
    void taskAfterDefaultsToFiveSecondsAndCanBeTurnedOff() throws Exception {
        assertThat(new ConfigLoader(Map.of()).load(ConfigLoader.Flags.none()).taskAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(new ConfigLoader(Map.of()).load(flags(file("task_after: 2s\n"))).taskAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(new ConfigLoader(Map.of()).load(flags(file("task_after: off\n"))).taskAfter()).isNull();
        assertThat(new ConfigLoader(Map.of("MCP_TASK_AFTER", "250")).load(flags(file("task_after: off\n"))).taskAfter())
                .isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> new ConfigLoader(Map.of("MCP_TASK_AFTER", "soon")).load(ConfigLoader.Flags.none()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MCP_TASK_AFTER");
    }

    @Test
    void timeoutsComeFromTheSeedsVariablesInMilliseconds() throws Exception {
        ForgeConfig config = new ConfigLoader(Map.of("WORKER_TIMEOUT", "30000", "CONNECTION_TIMEOUT", "10000"))
                .load(ConfigLoader.Flags.none());
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void theRoutersEmbeddingsAreOnUnlessTurnedOff() {
        assertThat(new ConfigLoader(Map.of()).load(ConfigLoader.Flags.none()).router().embeddings()).isTrue();
        assertThat(new ConfigLoader(Map.of("TOOL_ROUTER_EMBEDDINGS", "off")).load(ConfigLoader.Flags.none()).router().embeddings()).isFalse();
        assertThat(new ConfigLoader(Map.of("TOOL_ROUTER_EMBEDDINGS", "ON")).load(ConfigLoader.Flags.none()).router().embeddings()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConfigLoader(Map.of("TOOL_ROUTER_EMBEDDINGS", "maybe"))
                .load(ConfigLoader.Flags.none())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("TOOL_ROUTER_EMBEDDINGS").hasMessageContaining("'maybe'");
        RouterConfig remote = new ConfigLoader(Map.of("TOOL_ROUTER_RERANK_URL", "http://127.0.0.1:8080/v1/rerank",
                "TOOL_ROUTER_RERANK_MODEL", "bge-reranker", "TOOL_ROUTER_RERANK_KEY", "k")).load(ConfigLoader.Flags.none()).router();
        assertThat(remote.reranker().model()).isEqualTo("bge-reranker");
        assertThat(remote.reranker().toString()).doesNotContain("=k]").contains("key=set");
        assertThat(remote.remoteEmbeddings()).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConfigLoader(Map.of("TOOL_ROUTER_EMBEDDINGS_URL",
                "http://127.0.0.1:11434/v1/embeddings")).load(ConfigLoader.Flags.none()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("TOOL_ROUTER_EMBEDDINGS_MODEL");
    }

    @Test
    void productionModeMeansJsonLogs() {
        assertThat(new ConfigLoader(Map.of("NODE_ENV", "production")).load(ConfigLoader.Flags.none()).jsonLogs()).isTrue();
        assertThat(new ConfigLoader(Map.of()).load(ConfigLoader.Flags.none()).jsonLogs()).isFalse();
    }

    @Test
    void thePreviousEncryptionKeyIsReadBesideTheCurrentOneAndNeverAlone() {
        String current = "current-key-0123456789-abcdefghijklmnop";
        String previous = "previous-key-0123456789-abcdefghijklmno";
        SecurityConfig security = new ConfigLoader(Map.of("FORGE_ENCRYPTION_KEY", current, "FORGE_ENCRYPTION_KEY_PREVIOUS", previous)).security();
        assertThat(security.encryptionKey()).isEqualTo(current);
        assertThat(security.previousEncryptionKey()).isEqualTo(previous);
        assertThat(new ConfigLoader(Map.of("FORGE_ENCRYPTION_KEY", current)).security().previousEncryptionKey()).isNull();
        assertThatThrownBy(() -> new ConfigLoader(Map.of("FORGE_ENCRYPTION_KEY_PREVIOUS", previous)).security())
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("FORGE_ENCRYPTION_KEY_PREVIOUS: set without FORGE_ENCRYPTION_KEY");
    }

    @Test
    void unknownKeysAreNamedWithTheirFile() throws Exception {
        Path f = file("gateways:\n  - name: a\n    command: x\n    comand: y\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(f)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("gateways[0]").hasMessageContaining("'comand'");
    }

    @Test
    void badValuesNameTheFieldAndWhatWasExpected() throws Exception {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(file("gateways:\n  - name: Bad_Name\n    command: x\n"))))
                .hasMessageContaining("gateways[0].name: 'Bad_Name' (expected: [a-z0-9-]+)");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(file("gateways:\n  - name: a\n    transport: carrier-pigeon\n"))))
                .hasMessageContaining("transport: 'carrier-pigeon'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(file("gateways:\n  - name: a\n    transport: sse\n    url: ftp://x\n"))))
                .hasMessageContaining("url: 'ftp://x'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(file("gateways:\n  - {name: a, command: x}\n  - {name: a, command: y}\n"))))
                .hasMessageContaining("'a' is used twice");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(file("gateways:\n  - name: a\n    command: x\n    timeout: soon\n"))))
                .hasMessageContaining("timeout: 'soon'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(file("gateways:\n  - name: a\n    url: http://h/${UNSET_VAR}\n"))))
                .hasMessageContaining("UNSET_VAR is not set");
    }

    @Test
    void badEnvironmentVariablesAreNamed() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of("GATEWAY_PORT", "http")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("GATEWAY_PORT: 'http'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("LOG_LEVEL", "loud")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("LOG_LEVEL: 'loud'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("WORKER_TIMEOUT", "-5")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("WORKER_TIMEOUT");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("PROMETHEUS_ENABLED", "maybe")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("PROMETHEUS_ENABLED: 'maybe'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("MAX_WORKERS", "0")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("MAX_WORKERS: '0'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("TOOL_ROUTER_PORT", "eighty")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("TOOL_ROUTER_PORT");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("FORGE_ENABLE_DYNAMIC_SERVICES", "sometimes")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("FORGE_ENABLE_DYNAMIC_SERVICES: 'sometimes'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("FORGE_PROCESS_PROTECTION", "maybe")).load(ConfigLoader.Flags.none()))
                .hasMessageContaining("FORGE_PROCESS_PROTECTION: 'maybe' (expected: true | false)");
    }

    @Test
    void processProtectionIsOnUnlessTurnedOff() {
        assertThat(new ConfigLoader(Map.of()).processProtection()).isTrue();
        assertThat(new ConfigLoader(Map.of("FORGE_PROCESS_PROTECTION", "false")).processProtection()).isFalse();
        assertThat(new ConfigLoader(Map.of("FORGE_PROCESS_PROTECTION", "true")).processProtection()).isTrue();
    }

    @Test
    void aMissingConfigFileIsAnError() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(dir.resolve("nope.yaml"))))
                .hasMessageContaining("--config").hasMessageContaining("nope.yaml");
    }

    @Test
    void securitySettingsAreReadFromTheEnvironmentAndBadOnesNamed() {
        var security = new ConfigLoader(Map.of("JWT_SECRET_KEY", "short", "RATE_LIMIT_PER_MINUTE", "100",
                "REDIS_URL", "redis://127.0.0.1:6379/0", "REDIS_PASSWORD", "p@ss")).security();
        assertThat(security.jwtSecret()).isEqualTo("short"); // development accepts a short secret
        assertThat(security.rateLimitPerMinute()).isEqualTo(100);
        assertThat(security.redisUrl().toString()).isEqualTo("redis://:p%40ss@127.0.0.1:6379/0");
        assertThat(security.authRequired()).isTrue();

        assertThatThrownBy(() -> new ConfigLoader(Map.of("JWT_SECRET", "short", "NODE_ENV", "production")).security())
                .hasMessageContaining("JWT_SECRET: 5 characters").hasMessageContaining("at least 32");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("RATE_LIMIT_PER_MINUTE", "lots")).security())
                .hasMessageContaining("RATE_LIMIT_PER_MINUTE: 'lots'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("AUTH_REQUIRED", "perhaps")).security())
                .hasMessageContaining("AUTH_REQUIRED: 'perhaps'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("JWT_JWKS_URL", "file:///etc/keys")).security())
                .hasMessageContaining("JWT_JWKS_URL");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("REDIS_URL", "localhost:6379")).security())
                .hasMessageContaining("REDIS_URL: 'localhost:6379'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("JWT_DEFAULT_ROLE", "root")).security())
                .hasMessageContaining("JWT_DEFAULT_ROLE: 'root'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("LOG_RETENTION", "forever")).security())
                .hasMessageContaining("LOG_RETENTION: 'forever'");
    }

    @Test
    void servicesYmlBesideTheConfigFileIsReadInTheGuidesShape() throws Exception {
        Path config = file("gateways: []\n");
        Files.writeString(dir.resolve("services.yml"), """
                services:
                  memory:
                    image: mcp/memory:latest
                    command: ["npx", "-y", "@modelcontextprotocol/server-memory"]
                    environment: { MEMORY_FILE_PATH: /data/memory.jsonl }
                    port: 8080
                    auto_start: false
                    sleep_policy: { enabled: true, idle_timeout: 300s, min_sleep_time: 60s }
                    health_check: { interval: 15s }
                    resources: { memory: 256m, cpu: 0.5 }
                """);
        var services = new ConfigLoader(Map.of()).load(flags(config)).serviceManager().services();
        assertThat(services).hasSize(1);
        var memory = services.getFirst();
        assertThat(memory.name()).isEqualTo("memory");
        assertThat(memory.autoStart()).isFalse();
        assertThat(memory.cpu()).isEqualTo(0.5);
        assertThat(memory.upstream().command()).containsExactly("npx", "-y", "@modelcontextprotocol/server-memory");
        assertThat(memory.upstream().env()).containsEntry("MEMORY_FILE_PATH", "/data/memory.jsonl").containsEntry("PORT", "8080");
        var lifecycle = memory.upstream().policy().lifecycle();
        assertThat(lifecycle.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(300));
        assertThat(lifecycle.minUptime()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(lifecycle.memoryLimitBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(memory.upstream().policy().healthCheckInterval()).isEqualTo(java.time.Duration.ofSeconds(15));

        Files.writeString(dir.resolve("services.yml"), "services:\n  - name: bad\n    command: x\n    resources: { memory: lots }\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(config)))
                .hasMessageContaining("services.bad.resources.memory: 'lots'");
        Files.writeString(dir.resolve("services.yml"), "services:\n  x:\n    command: y\n    sleep: always\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(flags(config))).hasMessageContaining("unknown key 'sleep'");
    }
}
