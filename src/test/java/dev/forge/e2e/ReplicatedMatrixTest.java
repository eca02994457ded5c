package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.forge.Gateway;
import dev.forge.config.DatabaseUrl;
import dev.forge.config.ForgeConfig;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.e2e.MatrixCell.ClientTransport;
import dev.forge.e2e.MatrixCell.UpstreamKind;
import dev.forge.support.Balancer;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The passthrough checks with no stickiness: the official TypeScript SDK client talks to three replicas through nginx
 * balancing round-robin (the balancer's configuration is the one the production compose file mounts), the replicas
 * sharing one PostgreSQL registry and one Redis. Every request of a session may land on another replica: its
 * progress, questions, answers, cancellations, subscriptions and list changes must still meet.
 *
 * <p>The cells: the whole matrix — stdio, Streamable HTTP answering in SSE and in JSON, legacy SSE and another Forge,
 * each in both session modes ({@link #ENTRIES}), × both client transports.
 */
class ReplicatedMatrixTest {

    private static final int REPLICAS = 3;
    /** An entry of the replicas' configuration: how they reach the probe, and the entry's session mode. */
    record Entry(UpstreamKind kind, SessionMode mode) {}

    /**
     * Every entry of the one-process matrix: each upstream kind in both session modes. A stdio upstream runs one process
     * per replica (shared mode) or per client on the client's own replica (per-client mode); the probe's processes of
     * one entry keep what they saw in one folder, as a real server keeps its state in a shared store.
     */
    private static final List<Entry> ENTRIES = Arrays.stream(UpstreamKind.values())
            .flatMap(kind -> Arrays.stream(SessionMode.values()).map(mode -> new Entry(kind, mode))).toList();

    static final List<AutoCloseable> running = new ArrayList<>();
    static final List<Gateway> replicas = new ArrayList<>();
    static final Map<MatrixCell, CompletableFuture<JsonNode>> seen = new LinkedHashMap<>();
    static final Map<String, String> outcomes = new ConcurrentHashMap<>();
    static ExecutorService cells;
    static String schema;
    static long startedAt;

    @BeforeAll
    static void start() throws Exception {
        startedAt = System.nanoTime();
        Path state = Files.createTempDirectory("forge-replicated-probe");
        state.toFile().deleteOnExit();
        Path client = Peers.installed("matrix-client.mjs");
        NodeHttpServer streamable = started(NodeHttpServer.probe("streamable", state.resolve("streamable")));
        NodeHttpServer json = started(NodeHttpServer.probe("streamable-json", state.resolve("json")));
        NodeHttpServer sse = started(NodeHttpServer.probe("sse", state.resolve("sse")));
        // another Forge, one process, that every replica federates over Streamable HTTP (one stdio probe per entry)
        Gateway inner = started(TestGateways.start(List.of(
                PassthroughMatrixTest.stdioProbe("probe-per-client", state, SessionMode.SHARED),
                PassthroughMatrixTest.stdioProbe("probe-shared", state, SessionMode.SHARED))));
        List<UpstreamConfig> entries = new ArrayList<>();
        for (Entry entry : ENTRIES) {
            SessionMode mode = entry.mode();
            String name = MatrixCell.entry(entry.kind(), mode);
            entries.add(switch (entry.kind()) {
                case STREAMABLE_SSE -> TestGateways.streamableHttp(name, streamable.url("/" + name + "/mcp"), mode);
                case STREAMABLE_JSON -> TestGateways.streamableHttp(name, json.url("/" + name + "/mcp"), mode);
                case LEGACY_SSE -> TestGateways.sse(name, sse.url("/" + name + "/sse"), mode);
                case STDIO -> PassthroughMatrixTest.stdioProbe(name, state, mode);
                case FORGE -> TestGateways.streamableHttp(name,
                        TestGateways.baseUrl(inner) + "/gateways/probe-" + MatrixCell.modeLabel(mode) + "/mcp", mode);
            });
        }
        schema = "forge_matrix_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("CREATE SCHEMA " + schema);
        ForgeConfig config = TestGateways.config(entries, List.of())
                .withDatabase(DatabaseUrl.parse("test", "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema))
                .withSecurity(TestGateways.security(Map.of("REDIS_URL", "redis://127.0.0.1:6379/0", "RATE_LIMIT_PER_MINUTE", "0")));
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            Gateway replica = started(TestGateways.start(config));
            replicas.add(replica);
            ports.add(replica.port());
        }
        Balancer balancer = started(Balancer.start(ports));
        cells = Executors.newFixedThreadPool(3, Thread.ofPlatform().name("replicated-cells-", 0).daemon().factory());
        for (Entry entry : ENTRIES) {
            { // the two cells of one entry one after the other, entries side by side
                List<MatrixCell> ofEntry = Arrays.stream(ClientTransport.values()).map(c -> new MatrixCell(entry.kind(), entry.mode(), c)).toList();
                ofEntry.forEach(cell -> seen.put(cell, new CompletableFuture<>()));
                cells.submit(() -> ofEntry.forEach(cell -> {
                    try {
                        seen.get(cell).complete(MatrixClient.drive(client, balancer.baseUrl(), cell));
                    } catch (Exception | AssertionError e) {
                        seen.get(cell).completeExceptionally(e);
                    }
                }));
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cells != null) {
            cells.shutdownNow();
            cells.awaitTermination(MatrixClient.CELL_LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
        if (schema != null) {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        Map<MatrixCell, Integer> millis = new LinkedHashMap<>();
        seen.forEach((cell, observed) -> millis.put(cell, observed.isDone() && !observed.isCompletedExceptionally()
                ? observed.join().path("totalMs").asInt(-1) : -1));
        System.out.println("through " + REPLICAS + " replicas behind nginx round-robin:");
        System.out.println(MatrixTable.render(outcomes, millis, Math.round((System.nanoTime() - startedAt) / 1e9)));
    }

    static Stream<Arguments> cellsAndCapabilities() {
        return ENTRIES.stream().flatMap(entry -> Arrays.stream(ClientTransport.values())
                .map(client -> new MatrixCell(entry.kind(), entry.mode(), client)))
                .flatMap(cell -> Arrays.stream(MatrixCapability.values()).map(cap -> Arguments.of(cell, cap)));
    }

    @ParameterizedTest(name = "3 replicas {0} {1}")
    @MethodSource("cellsAndCapabilities")
    void whatTheUpstreamAndTheClientSayToEachOtherGetsThroughAnyReplica(MatrixCell cell, MatrixCapability capability) throws Exception {
        Optional<String> reason = capability.notApplicable(cell);
        if (reason.isPresent()) {
            outcomes.put(MatrixTable.key(cell, capability), "n.a.");
        }
        assumeTrue(reason.isEmpty(), () -> cell + " " + capability + " is not applicable: " + reason.orElseThrow());
        outcomes.put(MatrixTable.key(cell, capability), "FAIL");
        JsonNode all = seen.get(cell).get(MatrixClient.CELL_LIMIT.multipliedBy(2).toSeconds(), TimeUnit.SECONDS);
        String where = "3 replicas " + cell;
        assertThat(all.has("connectError")).as("%s the client could not connect: %s", where, all.path("connectError").asString("")).isFalse();
        JsonNode observed = all.path(capability.key());
        assertThat(observed.has("error")).as("%s %s failed: %s (after %d ms; the client had been asked %s)", where, capability,
                observed.path("error").asString(""), observed.path("tookMs").asInt(), observed.path("askedSoFar")).isFalse();
        capability.check(where, observed);
        outcomes.put(MatrixTable.key(cell, capability), "pass");
    }

    @Test
    void theBalancerSpreadEverySessionsRequestsOverAllReplicas() throws Exception {
        for (CompletableFuture<JsonNode> cell : seen.values()) {
            cell.handle((ok, failed) -> null).get(MatrixClient.CELL_LIMIT.multipliedBy(2).toSeconds(), TimeUnit.SECONDS);
        }
        for (Gateway replica : replicas) {
            String metrics = Tokens.send("GET", TestGateways.baseUrl(replica) + "/metrics", null, null).body();
            assertThat(metrics).as("replica on port %d served tool calls", replica.port())
                    .containsPattern("forge_mcp_requests_seconds_count\\{method=\"tools/call\",outcome=\"ok\",?[^}]*} [1-9]");
        }
    }

    private static <T extends AutoCloseable> T started(T resource) {
        running.add(resource);
        return resource;
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null);
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
