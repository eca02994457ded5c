package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.support.Balancer;
import dev.forge.support.PostgresSchema;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The whole passthrough suite with no stickiness: the transport matrix ({@link MatrixRun}: every upstream kind in both
 * session modes, both client transports), the official TypeScript SDK client talking to three replicas through nginx
 * balancing round-robin — the balancer's configuration is the one the production compose file mounts — the replicas
 * sharing one PostgreSQL registry and one Redis. Every request of a session may land on another replica: its progress,
 * questions, answers, cancellations, subscriptions and list changes must still meet. A stdio upstream runs one process
 * per replica (shared mode) or per client on the client's own replica (per-client mode); the probe's processes of one
 * entry keep what they saw in one folder, as a real server keeps its state in a shared store.
 */
class ReplicatedMatrixTest {

    private static final int REPLICAS = 3;

    static final List<Gateway> replicas = new ArrayList<>();
    static PostgresSchema schema;
    static MatrixRun run;

    @BeforeAll
    static void start() throws Exception {
        schema = PostgresSchema.create("forge_matrix");
        run = MatrixRun.start("through " + REPLICAS + " replicas behind nginx round-robin:", (entries, running) -> {
            ForgeConfig config = TestGateways.config(entries, List.of())
                    .withDatabase(schema.url())
                    .withSecurity(TestGateways.security(Map.of("REDIS_URL", "redis://127.0.0.1:6379/0", "RATE_LIMIT_PER_MINUTE", "0")));
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < REPLICAS; i++) { // one after the other: the first creates the schema the others join
                Gateway replica = TestGateways.start(config);
                running.add(replica);
                replicas.add(replica);
                ports.add(replica.port());
            }
            Balancer balancer = Balancer.start(ports);
            running.add(balancer);
            return balancer.baseUrl();
        });
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (run != null) {
                run.close();
            }
        } finally {
            if (schema != null) schema.close();
        }
    }

    static Stream<Arguments> cellsAndCapabilities() {
        return MatrixCell.all().stream().flatMap(cell -> Arrays.stream(MatrixCapability.values()).map(cap -> Arguments.of(cell, cap)));
    }

    @ParameterizedTest(name = "3 replicas {0} {1}")
    @MethodSource("cellsAndCapabilities")
    void whatTheUpstreamAndTheClientSayToEachOtherGetsThroughAnyReplica(MatrixCell cell, MatrixCapability capability) throws Exception {
        run.check(REPLICAS + " replicas " + cell, cell, capability);
    }

    @Test
    void theBalancerSpreadEverySessionsRequestsOverAllReplicas() throws Exception {
        run.awaitCells();
        for (Gateway replica : replicas) {
            String metrics = Tokens.send("GET", TestGateways.baseUrl(replica) + "/metrics", null, null).body();
            assertThat(metrics).as("replica on port %d served tool calls", replica.port())
                    .containsPattern("forge_mcp_requests_seconds_count\\{method=\"tools/call\",outcome=\"ok\",?[^}]*} [1-9]");
        }
    }

    /**
     * A modern client (MCP 2026-07-28: no session) through the balancer: each request may land on another replica and
     * is served where it lands — discovery and calls to a stdio upstream; a multi-round call's retry is carried to the
     * replica holding the call, wherever the balancer sends it ({@link ReplicatedModernTest} crosses every time).
     */
    @Test
    void aModernClientIsServedByWhicheverReplicaItsRequestReaches() throws Exception {
        String base = run.base();
        JsonNode discovered = ModernEdgeTest.answer(modern(base, 1, "server/discover", null, ""));
        assertThat(discovered.path("result").path("supportedVersions").toString()).contains("2026-07-28");
        for (int i = 0; i < 2 * REPLICAS; i++) { // round-robin: every replica serves some
            HttpResponse<String> call = modern(base, 10 + i, "tools/call", "stdio-shared__echo",
                    "\"name\":\"stdio-shared__echo\",\"arguments\":{\"message\":\"modern " + i + "\"}");
            assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
            assertThat(call.headers().firstValue("Mcp-Session-Id")).isEmpty();
            assertThat(ModernEdgeTest.answer(call).path("result").toString()).contains("echo: modern " + i);
        }
        String tool = "stdio-shared__ask-elicitation";
        for (int i = 0; i < REPLICAS; i++) { // rounds and retries spread over the replicas by the balancer
            JsonNode round = ModernEdgeTest.answer(modern(base, 20 + i, "tools/call", tool, "\"name\":\"" + tool + "\",\"arguments\":{}",
                    "{\"elicitation\":{}}")).path("result");
            assertThat(round.path("resultType").asString()).as(round.toString()).isEqualTo("input_required");
            String key = round.path("inputRequests").propertyNames().iterator().next();
            HttpResponse<String> done = modern(base, 30 + i, "tools/call", tool, "\"name\":\"" + tool + "\",\"arguments\":{},"
                    + "\"requestState\":\"" + round.path("requestState").asString() + "\",\"inputResponses\":{\"" + key
                    + "\":{\"action\":\"accept\",\"content\":{\"color\":\"c" + i + "\"}}}", "{\"elicitation\":{}}");
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(ModernEdgeTest.answer(done).path("result").toString()).contains("elicited: accept c" + i);
        }
    }

    static HttpResponse<String> modern(String base, int id, String method, String name, String params) throws Exception {
        return modern(base, id, method, name, params, "{}");
    }

    static HttpResponse<String> modern(String base, int id, String method, String name, String params, String capabilities)
            throws Exception {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":" + capabilities + "}";
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":{"
                + (params.isEmpty() ? meta : params + "," + meta) + "}}";
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (name != null) {
            request.header("Mcp-Name", name);
        }
        return RawMcp.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
