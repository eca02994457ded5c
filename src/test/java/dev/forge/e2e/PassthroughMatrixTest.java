package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.forge.Gateway;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.e2e.MatrixCell.UpstreamKind;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The transport matrix: the official TypeScript SDK client (matrix-client.mjs) runs every passthrough check through
 * the gateway, for each upstream kind (stdio, Streamable HTTP answering with SSE streams, Streamable HTTP answering
 * in plain JSON, legacy SSE, and another Forge) × the entry's session mode (per-client, shared) × the client's
 * transport (Streamable HTTP, legacy SSE). The upstream is probe-server.mjs, which records what reaches it.
 *
 * <p>Every server and both gateways start once; the cells run while the tests wait on their results, the two
 * cells of one entry one after the other (on a shared entry the gateway hands what the upstream asks to the client
 * whose call is in flight), entries side by side. Each test asserts one capability of one cell; a capability that
 * cannot work in a cell is aborted with the reason ({@link MatrixCapability#notApplicable}). When the class ends it
 * prints the table of cells × capabilities (pass, FAIL, n.a.) with each cell's time.
 *
 * <p>Run it alone with {@code mvn test -Dtest=PassthroughMatrixTest} (well under a minute once the peers are
 * installed by scripts/install-peers.sh).
 */
class PassthroughMatrixTest {

    private static final int ENTRIES_AT_ONCE = 3;
    private static final Duration CELL_LIMIT = MatrixClient.CELL_LIMIT;

    static final List<AutoCloseable> running = new ArrayList<>();
    static final Map<MatrixCell, CompletableFuture<JsonNode>> seen = new LinkedHashMap<>();
    static final Map<String, String> outcomes = new ConcurrentHashMap<>();
    static ExecutorService cells;
    static Path client;
    static long startedAt;

    @BeforeAll
    static void start() throws Exception {
        startedAt = System.nanoTime();
        Path state = Files.createTempDirectory("forge-probe-state");
        state.toFile().deleteOnExit();
        client = Peers.installed("matrix-client.mjs");
        NodeHttpServer streamable = started(NodeHttpServer.probe("streamable", state.resolve("streamable")));
        NodeHttpServer json = started(NodeHttpServer.probe("streamable-json", state.resolve("json")));
        NodeHttpServer sse = started(NodeHttpServer.probe("sse", state.resolve("sse")));
        // the inner Forge: one shared stdio probe for each outer entry, so the cells of one never meet the other's
        Gateway inner = started(TestGateways.start(List.of(
                stdioProbe("probe-per-client", state, SessionMode.SHARED),
                stdioProbe("probe-shared", state, SessionMode.SHARED))));
        List<UpstreamConfig> entries = new ArrayList<>();
        for (UpstreamKind kind : UpstreamKind.values()) {
            for (SessionMode mode : SessionMode.values()) {
                String name = MatrixCell.entry(kind, mode);
                entries.add(switch (kind) {
                    case STDIO -> stdioProbe(name, state, mode);
                    case STREAMABLE_SSE -> TestGateways.streamableHttp(name, streamable.url("/" + name + "/mcp"), mode);
                    case STREAMABLE_JSON -> TestGateways.streamableHttp(name, json.url("/" + name + "/mcp"), mode);
                    case LEGACY_SSE -> TestGateways.sse(name, sse.url("/" + name + "/sse"), mode);
                    case FORGE -> TestGateways.streamableHttp(name,
                            TestGateways.baseUrl(inner) + "/gateways/probe-" + MatrixCell.modeLabel(mode) + "/mcp", mode);
                });
            }
        }
        Gateway outer = started(TestGateways.start(entries));
        cells = Executors.newFixedThreadPool(ENTRIES_AT_ONCE, Thread.ofPlatform().name("matrix-cells-", 0).daemon().factory());
        for (UpstreamKind kind : UpstreamKind.values()) {
            for (SessionMode mode : SessionMode.values()) {
                List<MatrixCell> ofEntry = Arrays.stream(MatrixCell.ClientTransport.values()).map(c -> new MatrixCell(kind, mode, c)).toList();
                ofEntry.forEach(cell -> seen.put(cell, new CompletableFuture<>()));
                cells.submit(() -> ofEntry.forEach(cell -> {
                    try {
                        seen.get(cell).complete(MatrixClient.drive(client, TestGateways.baseUrl(outer), cell));
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
            cells.awaitTermination(CELL_LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
        Exception failed = null;
        for (AutoCloseable c : running.reversed()) { // the outer gateway before the inner one, the servers last
            try {
                c.close();
            } catch (Exception e) {
                failed = e;
            }
        }
        Map<MatrixCell, Integer> millis = new LinkedHashMap<>();
        seen.forEach((cell, observed) -> millis.put(cell, observed.isDone() && !observed.isCompletedExceptionally()
                ? observed.join().path("totalMs").asInt(-1) : -1));
        System.out.println(MatrixTable.render(outcomes, millis, Math.round((System.nanoTime() - startedAt) / 1e9)));
        if (failed != null) {
            throw failed;
        }
    }

    static Stream<Arguments> cellsAndCapabilities() {
        return MatrixCell.all().stream().flatMap(cell -> Arrays.stream(MatrixCapability.values()).map(cap -> Arguments.of(cell, cap)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cellsAndCapabilities")
    void whatTheUpstreamAndTheClientSayToEachOtherGetsThrough(MatrixCell cell, MatrixCapability capability) throws Exception {
        Optional<String> reason = capability.notApplicable(cell);
        if (reason.isPresent()) {
            outcomes.put(MatrixTable.key(cell, capability), "n.a.");
        }
        assumeTrue(reason.isEmpty(), () -> cell + " " + capability + " is not applicable: " + reason.orElseThrow());
        outcomes.put(MatrixTable.key(cell, capability), "FAIL");
        JsonNode all = seen.get(cell).get(CELL_LIMIT.multipliedBy(2).toSeconds(), TimeUnit.SECONDS);
        assertThat(all.has("connectError")).as("%s the client could not connect: %s", cell, all.path("connectError").asString("")).isFalse();
        JsonNode observed = all.path(capability.key());
        assertThat(observed.has("error")).as("%s %s failed: %s (after %d ms; the client had been asked %s)", cell, capability,
                observed.path("error").asString(""), observed.path("tookMs").asInt(), observed.path("askedSoFar")).isFalse();
        capability.check(cell.toString(), observed);
        outcomes.put(MatrixTable.key(cell, capability), "pass");
    }

    static UpstreamConfig stdioProbe(String name, Path state, SessionMode mode) {
        List<String> command = new ArrayList<>(Peers.probe());
        command.add("stdio");
        return TestGateways.stdio(name, command, Map.of("PROBE_STATE_DIR", state.resolve(name).toString(), "PROBE_NAME", name), mode);
    }

    private static <T extends AutoCloseable> T started(T resource) {
        running.add(resource);
        return resource;
    }
}
