package dev.forge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed project's own {@code services.yml} (src/test/resources/seed, unchanged), loaded as its users will point
 * Forge at it: bare-number durations are seconds, sizes like {@code "256MB"}, the extra keys, the translate wrapper,
 * container paths through {@code volumes}, and unset {@code ${VAR}}s that hold back only their own service.
 */
class SeedConfigTest {

    @TempDir
    Path dir;

    private ServiceManagerConfig load(Map<String, String> extra) throws Exception {
        Files.copy(Path.of("src/test/resources/seed/services.yml"), dir.resolve("services.yml"));
        Map<String, String> env = new HashMap<>(extra);
        env.put("CONFIG_PATH", dir.toString());
        return new ConfigLoader(env).load(new ConfigLoader.Flags(null, null, null)).serviceManager();
    }

    private static Map<String, ServiceConfig> byName(ServiceManagerConfig config) {
        return config.services().stream().collect(Collectors.toMap(ServiceConfig::name, Function.identity()));
    }

    @Test
    void theSeedFileLoadsAsItIsAndAServiceWhoseVariableIsUnsetWaitsWithoutStoppingTheOthers() throws Exception {
        ServiceManagerConfig config = load(Map.of());
        assertThat(config.services()).extracting(ServiceConfig::name).containsExactly("dribbble-mcp");
        assertThat(config.unconfigured()).hasSize(19);
        Map<String, List<String>> missing = config.unconfigured().stream()
                .collect(Collectors.toMap(UnconfiguredService::name, UnconfiguredService::missing));
        assertThat(missing.get("sequential-thinking")).containsExactly("FORGE_MAX_REQUEST_SIZE");
        assertThat(missing.get("mongodb")).containsExactly("FORGE_MONGODB_CONNECTION_STRING", "FORGE_AUTH_ENCRYPTION_SECRET",
                "FORGE_MAX_REQUEST_SIZE");
        // a variable with a default (${DRIBBBLE_RATE_LIMIT_MS:-1000}) is never missing
        assertThat(byName(config).get("dribbble-mcp").upstream().env()).containsEntry("DRIBBBLE_RATE_LIMIT_MS", "1000");
    }

    @Test
    void withTheVariablesSetEachServiceReadsAsTheFileMeansIt() throws Exception {
        ServiceManagerConfig config = load(Map.of("FORGE_MAX_REQUEST_SIZE", "10485760"));
        Map<String, ServiceConfig> services = byName(config);
        assertThat(config.unconfigured()).extracting(UnconfiguredService::name)
                .containsExactlyInAnyOrder("tavily", "filesystem", "github", "postgres", "mongodb", "sqlite");

        ServiceConfig thinking = services.get("sequential-thinking");
        // the translate wrapper is unwrapped: the stdio server is the service
        assertThat(thinking.upstream().command()).containsExactly("npx", "-y", "@modelcontextprotocol/server-sequential-thinking");
        assertThat(thinking.upstream().env()).containsEntry("FORGE_MAX_REQUEST_SIZE", "10485760").doesNotContainKey("PORT");
        Lifecycle lifecycle = thinking.upstream().policy().lifecycle();
        assertThat(lifecycle.idleTimeout()).isEqualTo(Duration.ofMinutes(5)); // idle_timeout: 300 # 5 minutes
        assertThat(lifecycle.minUptime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(lifecycle.memoryLimitBytes()).isEqualTo(256L << 20); // "256MB"
        assertThat(thinking.memoryReservation()).isEqualTo(128L << 20);
        assertThat(thinking.upstream().policy().healthCheckInterval()).isEqualTo(Duration.ofSeconds(30)); // interval: "30"
        assertThat(thinking.autoStart()).isFalse();
        assertThat(thinking.priority()).isEqualTo(ServicePriority.NORMAL);
        assertThat(thinking.cpu()).isEqualTo(0.25);
        assertThat(thinking.notEnforced()).containsKeys("image", "port", "health_check.path", "health_check.timeout",
                "resources.cpu", "resources.cpu_reservation");
        assertThat(thinking.notEnforced().get("port")).contains("8013").contains("/services/sequential-thinking/mcp");

        assertThat(services.get("fetch").priority()).isEqualTo(ServicePriority.HIGH);
        assertThat(services.get("chrome-devtools").upstream().policy().lifecycle().minUptime()).isEqualTo(Duration.ofMinutes(2));

        // container paths become the host paths the volumes map them to, relative to the file's directory
        String root = dir.toAbsolutePath().normalize().toString();
        assertThat(services.get("git-mcp").upstream().command())
                .containsExactly("npx", "-y", "@modelcontextprotocol/server-git", "--repository", root + "/workspace");
        assertThat(services.get("memory").upstream().env()).containsEntry("FORGE_MEMORY_FILE_PATH", root + "/data/memory/memory.jsonl");
        assertThat(services.get("forge-context").upstream().command())
                .containsExactly("node", root + "/forge-patterns/dist/mcp-context-server/index.js");
        assertThat(services.get("forge-context").volumes()).containsEntry("/app", root + "/forge-patterns");

        // not wrapped: started as written, and its port handed to it
        ServiceConfig dribbble = services.get("dribbble-mcp");
        assertThat(dribbble.upstream().command()).containsExactly("python3", "-m", "dribbble_mcp");
        assertThat(dribbble.upstream().env()).containsEntry("PORT", "8035");
    }

    @Test
    void aWaitingServiceIsCompletedByTheVariablesItNamed() throws Exception {
        ServiceManagerConfig config = load(Map.of("FORGE_MAX_REQUEST_SIZE", "1024"));
        UnconfiguredService filesystem = config.unconfigured().stream().filter(s -> s.name().equals("filesystem")).findFirst().orElseThrow();
        assertThat(filesystem.missing()).containsExactly("FORGE_VIRTUAL_SERVERS_CONFIG_PATH");
        assertThat(filesystem.priority()).isEqualTo(ServicePriority.HIGH);
        assertThatThrownBy(() -> filesystem.completed().apply(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("FORGE_VIRTUAL_SERVERS_CONFIG_PATH is not set");
        ServiceConfig done = filesystem.completed().apply(Map.of("FORGE_VIRTUAL_SERVERS_CONFIG_PATH", "/etc/forge/servers.yml"));
        assertThat(done.upstream().env()).containsEntry("FORGE_VIRTUAL_SERVERS_CONFIG_PATH", "/etc/forge/servers.yml");
        assertThat(done.upstream().command()).containsExactly("npx", "-y", "@modelcontextprotocol/server-filesystem",
                dir.toAbsolutePath().normalize() + "/workspace");
    }

    @Test
    void aBareNumberIsSecondsInServicesYmlAndMillisecondsElsewhere() {
        assertThat(Durations.parse("x", "300", ChronoUnit.SECONDS)).isEqualTo(Duration.ofSeconds(300));
        assertThat(Durations.parse("x", "30000")).isEqualTo(Duration.ofSeconds(30)); // WORKER_TIMEOUT=30000, as the guide writes it
        assertThat(Durations.parse("x", "250ms", ChronoUnit.SECONDS)).isEqualTo(Duration.ofMillis(250)); // a suffix wins
        assertThat(Durations.parse("x", "2m", ChronoUnit.SECONDS)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void theTranslateWrapperIsRefusedWhenItBridgesARemoteServerOrWrapsNothing() {
        assertThat(TranslateWrapper.unwrap("c", List.of("python3", "-m", "forge.translate", "--port", "9000", "--stdio",
                "uvx mcp-server-time --local-timezone 'Europe/Paris'", "--expose-streamable-http")))
                .containsExactly("uvx", "mcp-server-time", "--local-timezone", "Europe/Paris");
        assertThatThrownBy(() -> TranslateWrapper.unwrap("c", List.of("python3", "-m", "forge.translate", "--connect-sse",
                "http://x/sse"))).hasMessageContaining("bridges a remote server");
        assertThatThrownBy(() -> TranslateWrapper.unwrap("c", List.of("python3", "-m", "forge.translate", "--expose-sse")))
                .hasMessageContaining("no --stdio");
    }

    @Test
    void anUnknownKeyOrABadSizeIsStillAnErrorNamingTheService() throws Exception {
        Files.writeString(dir.resolve("services.yml"), """
                services:
                  x:
                    command: y
                    resources: { memory: "256MB", memory_reservation: plenty }
                """);
        Map<String, String> env = Map.of("CONFIG_PATH", dir.toString());
        assertThatThrownBy(() -> new ConfigLoader(env).load(new ConfigLoader.Flags(null, null, null)))
                .hasMessageContaining("services.x.resources.memory_reservation: 'plenty'");
        Files.writeString(dir.resolve("services.yml"), "services:\n  x:\n    command: y\n    sleep_policy: { priority: urgent }\n");
        assertThatThrownBy(() -> new ConfigLoader(env).load(new ConfigLoader.Flags(null, null, null)))
                .hasMessageContaining("services.x.sleep_policy.priority: 'urgent' (expected: low | normal | high | critical)");
    }

    @Test
    void onlyWhatIsExpandedCanBeMissingAndTheWrapperIsFoundWhateverPythonRunsIt() throws Exception {
        Files.writeString(dir.resolve("services.yml"), """
                services:
                  x:
                    image: "img:${IMAGE_TAG}"
                    description: "built from ${SOURCE}"
                    command: ["/usr/bin/python3", "-u", "-m", "forge.translate", "--stdio", "srv --root /data", "--port", "1"]
                    environment: { "${ODD_KEY}": "v" }
                    volumes: { "./host": "/" }
                """);
        ServiceManagerConfig config = new ConfigLoader(Map.of("CONFIG_PATH", dir.toString())).load(new ConfigLoader.Flags(null, null, null))
                .serviceManager();
        assertThat(config.unconfigured()).isEmpty();
        String host = dir.resolve("host").toAbsolutePath().normalize().toString();
        // a volume mounted at / keeps the separator of the paths below it
        assertThat(config.services().getFirst().upstream().command()).containsExactly("srv", "--root", host + "/data");
    }

    @Test
    void aContainerPathIsReplacedOnlyWhereItIsAWholePrefix() {
        Map<String, String> volumes = Map.of("/data", "/srv/forge/data", "/", "/srv/root");
        assertThat(ServicesFile.onHost("/data/x.db", volumes)).isEqualTo("/srv/forge/data/x.db");
        assertThat(ServicesFile.onHost("/database", volumes)).isEqualTo("/srv/root/database");
        assertThat(ServicesFile.onHost("--db=/data/x", volumes)).isEqualTo("--db=/srv/forge/data/x");
        assertThat(ServicesFile.onHost("relative/data", volumes)).isEqualTo("relative/data");
    }
}
