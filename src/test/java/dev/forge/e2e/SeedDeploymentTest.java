package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.cli.Main;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ServerRole;
import dev.forge.config.ServiceManagerConfig;
import dev.forge.protocol.Json;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A directory in the seed project's shape as {@code CONFIG_PATH}: services.yml with the seed's translate wrapper,
 * volumes and an unset {@code ${VAR}}; gateways.txt, and the seed's own prompts.txt and resources.txt, unchanged.
 * Real servers (server-everything, server-memory) behind a whole gateway; and {@code forge import --seed-dir} on the
 * seed's four files as they are.
 */
class SeedDeploymentTest {

    @TempDir
    Path dir;

    private static final Path SEED = Path.of("src/test/resources/seed");

    /** The seed's wrapper around a stdio command, as its services.yml writes it. */
    private static String wrapped(List<String> command, String... serverArgs) {
        List<String> words = new ArrayList<>(List.of("python3", "-m", "forge.translate", "--stdio", String.join(" ", command)));
        words.addAll(List.of(serverArgs));
        words.addAll(List.of("--expose-sse", "--port", "8013", "--host", "0.0.0.0"));
        return Json.text(Json.valueToTree(words));
    }

    private JsonNode rpc(String url, String method, String params) throws Exception {
        return Json.parse(Tokens.send("POST", url + "/rpc", null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}").body());
    }

    @Test
    void aSeedShapedConfigDirectoryRunsItsServicesImportsItsLineFilesAndWaitsForMissingVariables() throws Exception {
        List<String> everything = Peers.everythingStdio();
        Files.writeString(dir.resolve("services.yml"), """
                # the seed's shape: wrapper, bare seconds, sizes, extra keys, an unset variable
                services:
                  everything:
                    image: forge-mcp-gateway-translate:latest
                    command: %s
                    port: 8013
                    environment:
                      FORGE_TEST_TOKEN: "${FORGE_SEED_TEST_TOKEN}"
                    resources: { memory: "1GB", cpu: "0.5", memory_reservation: "128MB", cpu_reservation: "0.1" }
                    auto_start: true
                    sleep_policy: { enabled: true, idle_timeout: 300, min_sleep_time: 60, memory_reservation: "128MB", priority: "high" }
                    health_check: { path: "/health", interval: "30", timeout: "10" }
                  memory:
                    image: forge-mcp-gateway-translate:latest
                    command: %s
                    port: 8027
                    volumes:
                      "${FORGE_SEED_TEST_MEMORY_VOLUME:-./data/memory}": /data
                    environment:
                      MEMORY_FILE_PATH: /data/memory.jsonl
                    auto_start: true
                    sleep_policy: { enabled: true, idle_timeout: 300, min_sleep_time: 60, priority: "normal" }
                  later:
                    command: %s
                    environment: { FORGE_TEST_TOKEN: "${FORGE_SEED_TEST_LATER}" }
                    auto_start: false
                """.formatted(wrapped(List.of(everything.get(0), everything.get(1)), everything.get(2)), wrapped(Peers.memoryStdio()),
                wrapped(Peers.memoryStdio())));
        Files.createDirectories(dir.resolve("data/memory"));
        try (NodeHttpServer remote = NodeHttpServer.everything("streamableHttp")) {
            Files.writeString(dir.resolve("gateways.txt"), """
                    # Gateways: Name|URL|Transport (optional)
                    everything|http://everything:8013/sse|SSE
                    Remote-Everything|http://127.0.0.1:%d/mcp
                    """.formatted(remote.port()));
            Files.copy(SEED.resolve("prompts.txt"), dir.resolve("prompts.txt"));
            Files.copy(SEED.resolve("resources.txt"), dir.resolve("resources.txt"));

            ServiceManagerConfig services = new ConfigLoader(Map.of("CONFIG_PATH", dir.toString()))
                    .load(new ConfigLoader.Flags(null, null, null)).serviceManager();
            var config = TestGateways.config(List.of(), List.of())
                    .withRoles(EnumSet.allOf(ServerRole.class), new ServiceManagerConfig(0, services.services(), services.unconfigured(),
                            false, URI.create("http://127.0.0.1:0")))
                    .withSeedDir(dir);
            try (Gateway gateway = TestGateways.start(config)) {
                String url = TestGateways.baseUrl(gateway);
                String manager = "http://127.0.0.1:" + gateway.serviceManagerPort();

                JsonNode waiting = Json.parse(Tokens.send("GET", manager + "/services/everything", null, null).body());
                assertThat(waiting.path("state").asString()).isEqualTo("needs-configuration");
                assertThat(waiting.path("missing").toString()).isEqualTo("[\"FORGE_SEED_TEST_TOKEN\"]");
                assertThat(Tokens.send("POST", manager + "/services/everything/start", null, "").statusCode()).isEqualTo(409);

                // a waiting service keeps its name, and providing its variables honours auto_start: false
                assertThat(Tokens.send("POST", manager + "/services", null,
                        "{\"name\":\"later\",\"command\":" + Json.text(Json.valueToTree(Peers.memoryStdio())) + "}").statusCode()).isEqualTo(409);
                List<java.util.concurrent.CompletableFuture<Integer>> racing = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    racing.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return Tokens.send("PUT", manager + "/services/later/environment", null,
                                    "{\"FORGE_SEED_TEST_LATER\":\"v\"}").statusCode();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                assertThat(racing.stream().map(java.util.concurrent.CompletableFuture::join).toList())
                        .as("one request completes it, the others hear it is done").containsOnly(200, 409).containsOnlyOnce(200);
                JsonNode later = Json.parse(Tokens.send("GET", manager + "/services/later", null, null).body());
                assertThat(later.path("state").asString()).isEqualTo("stopped");

                // the other service runs, its container path mapped to the host directory
                JsonNode memory = Json.parse(Tokens.send("GET", manager + "/services/memory", null, null).body());
                assertThat(memory.path("state").asString()).isEqualTo("running");
                assertThat(memory.path("not_enforced").has("port")).isTrue();
                JsonNode created = rpc(url, "tools/call", """
                        {"name":"memory__create_entities","arguments":{"entities":[{"name":"seed","entityType":"file","observations":["mapped"]}]}}""");
                assertThat(created.path("result").path("isError").asBoolean(false)).as(created.toString()).isFalse();
                assertThat(Files.readString(dir.resolve("data/memory/memory.jsonl"))).contains("mapped");

                // gateways.txt: the service's own line left out, the remote one federated under a Forge name
                JsonNode tools = rpc(url, "tools/list", "{}");
                assertThat(tools.path("result").path("tools")).extracting(t -> t.path("name").asString())
                        .contains("remote-everything__echo").noneMatch(n -> n.startsWith("everything__"));
                // prompts.txt and resources.txt, the seed's own
                JsonNode prompt = rpc(url, "prompts/get", "{\"name\":\"local__task-breakdown\",\"arguments\":{\"goal\":\"ship Forge\"}}");
                assertThat(prompt.path("result").path("messages").get(0).path("content").path("text").asString())
                        .startsWith("Goal: ship Forge\n\nBreak into ordered steps.");
                JsonNode resource = rpc(url, "resources/read", "{\"uri\":\"https://ibm.github.io/mcp-gateway/\"}");
                assertThat(resource.path("result").path("contents").get(0).path("mimeType").asString()).isEqualTo("text/uri-list");

                // providing the variable starts the waiting service, and its process gets the value
                assertThat(Tokens.send("PUT", manager + "/services/everything/environment", null, "{\"OTHER\":\"x\"}").body())
                        .contains("still needs FORGE_SEED_TEST_TOKEN");
                var configured = Tokens.send("PUT", manager + "/services/everything/environment", null,
                        "{\"FORGE_SEED_TEST_TOKEN\":\"provided-later\"}");
                assertThat(configured.statusCode()).as(configured.body()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        Json.parse(Tokens.send("GET", manager + "/services/everything", null, null).body()).path("state").asString().equals("running"));
                await().atMost(Duration.ofSeconds(10)).until(() -> rpc(url, "tools/list", "{}").toString().contains("everything__get-env"));
                JsonNode env = rpc(url, "tools/call", "{\"name\":\"everything__get-env\",\"arguments\":{}}");
                assertThat(env.toString()).contains("provided-later");
            }
            // a second start on the same registry: the line files are already there and nothing is doubled
            try (Gateway again = TestGateways.start(config)) {
                JsonNode prompts = rpc(TestGateways.baseUrl(again), "prompts/list", "{}");
                assertThat(prompts.path("result").path("prompts")).extracting(p -> p.path("name").asString())
                        .filteredOn(n -> n.startsWith("local__")).containsExactlyInAnyOrder("local__task-breakdown", "local__code-review");
            }
        }
    }

    @Test
    void forgeImportSeedDirTakesTheSeedsFourFilesAsTheyAreAndIsSafeToRunAgain() throws Exception {
        for (String file : List.of("services.yml", "gateways.txt", "prompts.txt", "resources.txt")) {
            Files.copy(SEED.resolve(file), dir.resolve(file));
        }
        String database = "sqlite:///" + dir.resolve("mcp.db");
        JsonNode first = Json.parse(cli(database, "import", "--seed-dir", dir.toString()));
        assertThat(first.path("created")).extracting(JsonNode::asString).containsExactlyInAnyOrder("gateway context7", "gateway deepwiki",
                "prompt task-breakdown", "prompt code-review", "resource https://ibm.github.io/mcp-gateway/");
        assertThat(first.path("not_imported").toString()).contains("gateways.txt:4 sequential-thinking: a service of services.yml")
                .contains("uiforge: http://uiforge:8026/sse is the seed's container address of service 'forge-context'")
                .contains("tool-router: the seed's tool-router container");
        JsonNode second = Json.parse(cli(database, "import", "--seed-dir", dir.toString()));
        assertThat(second.path("created")).isEmpty();
        assertThat(second.path("skipped")).hasSize(5);

        Files.writeString(dir.resolve("gateways.txt"), "ok|https://example.com/mcp\nbroken|ftp://example.com|SSE\n");
        assertThat(cliFails(database, "import", "--seed-dir", dir.toString())).contains("gateways.txt:2: 'ftp://example.com'");
        Files.writeString(dir.resolve("gateways.txt"), "my_server|http://my_server:8000/sse|SSE\n");
        assertThat(cliFails(database, "import", "--seed-dir", dir.toString())).contains("a host name cannot contain '_'");
        Files.writeString(dir.resolve("gateways.txt"), "Docs|https://example.com/mcp\ndocs|https://example.org/mcp\n");
        assertThat(cliFails(database, "import", "--seed-dir", dir.toString())).contains("gateways.txt:2: 'docs' is also the name of gateways.txt:1");
        Files.writeString(dir.resolve("gateways.txt"), "rest|https://example.com/mcp\n");
        assertThat(Json.parse(cli(database, "import", "--seed-dir", dir.toString())).path("not_imported").toString())
                .contains("gateways.txt:1 rest: the name belongs to Forge's REST tools");
    }

    /** What the command printed on standard output (its log goes to standard error). */
    private String cli(String databaseUrl, String... args) throws Exception {
        Path errors = Files.createTempFile(dir, "stderr", ".txt");
        Process p = start(databaseUrl, errors, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + Files.readString(errors)).isZero();
        return out;
    }

    private String cliFails(String databaseUrl, String... args) throws Exception {
        Path errors = Files.createTempFile(dir, "stderr", ".txt");
        Process p = start(databaseUrl, errors, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isNotZero();
        return out + Files.readString(errors);
    }

    private static Process start(String databaseUrl, Path errors, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
        builder.environment().put("DATABASE_URL", databaseUrl);
        return builder.start();
    }
}
