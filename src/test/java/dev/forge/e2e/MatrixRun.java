package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.forge.Gateway;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.e2e.MatrixCell.ClientTransport;
import dev.forge.e2e.MatrixCell.UpstreamKind;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
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
import tools.jackson.databind.JsonNode;

/**
 * One run of the transport matrix: the probe servers (stdio, Streamable HTTP answering in SSE and in JSON, legacy SSE)
 * and an inner Forge federating the probe, one entry per upstream kind and session mode in front of them, the cells
 * driven side by side through a front (one gateway, or replicas behind a balancer), and what each cell saw. The two
 * cells of one entry run one after the other (on a shared entry the gateway hands what the upstream asks to the client
 * whose call is in flight), entries side by side.
 */
final class MatrixRun implements AutoCloseable {

    /** Starts what the clients talk to, federating these entries; returns its base URL. */
    @FunctionalInterface
    interface Front {
        String start(List<UpstreamConfig> entries, List<AutoCloseable> running) throws Exception;
    }

    private static final int ENTRIES_AT_ONCE = 3;

    private final String title;
    private final long startedAt = System.nanoTime();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<MatrixCell, CompletableFuture<JsonNode>> seen = new LinkedHashMap<>();
    private final Map<String, String> outcomes = new ConcurrentHashMap<>();
    /** Where the clients reach the gateway (the balancer, behind replicas). */
    private volatile String base;
    private final ExecutorService cells = Executors.newFixedThreadPool(ENTRIES_AT_ONCE,
            Thread.ofPlatform().name("matrix-cells-", 0).daemon().factory());

    private MatrixRun(String title) {
        this.title = title;
    }

    /** Starts the upstreams and the front, and every cell's client; the checks wait on what the cells see. */
    static MatrixRun start(String title, Front front) throws Exception {
        MatrixRun run = new MatrixRun(title);
        try {
            run.begin(front);
        } catch (Exception | Error e) {
            run.close();
            throw e;
        }
        return run;
    }

    private void begin(Front front) throws Exception {
        Path state = Files.createTempDirectory("forge-probe-state");
        state.toFile().deleteOnExit();
        Path client = Peers.installed("matrix-client.mjs");
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
        String base = front.start(entries, running);
        this.base = base;
        for (UpstreamKind kind : UpstreamKind.values()) {
            for (SessionMode mode : SessionMode.values()) {
                List<MatrixCell> ofEntry = Arrays.stream(ClientTransport.values()).map(c -> new MatrixCell(kind, mode, c)).toList();
                ofEntry.forEach(cell -> seen.put(cell, new CompletableFuture<>()));
                cells.submit(() -> ofEntry.forEach(cell -> {
                    try {
                        seen.get(cell).complete(MatrixClient.drive(client, base, cell));
                    } catch (Exception | AssertionError e) {
                        seen.get(cell).completeExceptionally(e);
                    }
                }));
            }
        }
    }

    /** Asserts one capability of one cell ({@code where} names the cell in a failure); a not applicable one is aborted. */
    void check(String where, MatrixCell cell, MatrixCapability capability) throws Exception {
        Optional<String> reason = capability.notApplicable(cell);
        if (reason.isPresent()) {
            outcomes.put(MatrixTable.key(cell, capability), "n.a.");
        }
        assumeTrue(reason.isEmpty(), () -> where + " " + capability + " is not applicable: " + reason.orElseThrow());
        outcomes.put(MatrixTable.key(cell, capability), "FAIL");
        JsonNode all = seen.get(cell).get(MatrixClient.CELL_LIMIT.multipliedBy(2).toSeconds(), TimeUnit.SECONDS);
        assertThat(all.has("connectError")).as("%s the client could not connect: %s", where, all.path("connectError").asString("")).isFalse();
        JsonNode observed = all.path(capability.key());
        assertThat(observed.has("error")).as("%s %s failed: %s (after %d ms; the client had been asked %s)", where, capability,
                observed.path("error").asString(""), observed.path("tookMs").asInt(), observed.path("askedSoFar")).isFalse();
        capability.check(where, observed);
        outcomes.put(MatrixTable.key(cell, capability), "pass");
    }

    String base() {
        return base;
    }

    /** Waits (bounded) until every cell's client has finished, however it ended. */
    void awaitCells() throws Exception {
        for (CompletableFuture<JsonNode> cell : seen.values()) {
            cell.handle((ok, failed) -> null).get(MatrixClient.CELL_LIMIT.multipliedBy(2).toSeconds(), TimeUnit.SECONDS);
        }
    }

    static UpstreamConfig stdioProbe(String name, Path state, SessionMode mode) {
        List<String> command = new ArrayList<>(Peers.probe());
        command.add("stdio");
        return TestGateways.stdio(name, command, Map.of("PROBE_STATE_DIR", state.resolve(name).toString(), "PROBE_NAME", name), mode);
    }

    private <T extends AutoCloseable> T started(T resource) {
        running.add(resource);
        return resource;
    }

    /** Stops the cells, then everything started (the front before the inner Forge, the servers last), and prints the table. */
    @Override
    public void close() throws Exception {
        cells.shutdownNow();
        cells.awaitTermination(MatrixClient.CELL_LIMIT.toSeconds(), TimeUnit.SECONDS);
        Exception failed = null;
        for (AutoCloseable c : running.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                failed = e;
            }
        }
        Map<MatrixCell, Integer> millis = new LinkedHashMap<>();
        seen.forEach((cell, observed) -> millis.put(cell, observed.isDone() && !observed.isCompletedExceptionally()
                ? observed.join().path("totalMs").asInt(-1) : -1));
        System.out.println(title);
        System.out.println(MatrixTable.render(outcomes, millis, Math.round((System.nanoTime() - startedAt) / 1e9)));
        if (failed != null) {
            throw failed;
        }
    }
}
