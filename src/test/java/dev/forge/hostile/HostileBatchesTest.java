package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.MemoryBudget;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * JSON-RPC batches as an amplifier: a small body that asks for a huge answer, or for many calls under one request's
 * rate limit. A batch is capped in entries, each entry is charged to the rate limit, and its answer is bounded.
 */
class HostileBatchesTest {

    /** Peak heap growth allowed while a 20,000-entry batch is refused (it once grew the heap by about 1 GB). */
    static final long HEAP_BUDGET_MIB = 64;

    static Gateway gateway;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())));
        url = TestGateways.baseUrl(gateway) + "/mcp";
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static Gateway start(Map<String, String> env) throws Exception {
        ForgeConfig config = TestGateways.config(List.of(), List.of()).withSecurity(TestGateways.security(env));
        return TestGateways.start(config);
    }

    static String batch(int entries, String method) {
        return IntStream.range(0, entries)
                .mapToObj(i -> "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"" + method + "\"}")
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void aBatchOfTwentyThousandToolsListIsRefusedQuicklyWithinTheHeapBudget() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(url);
        String attack = batch(20_000, "tools/list");
        long started = System.nanoTime();
        MemoryBudget.Measured<HttpResponse<String>> measured = MemoryBudget.during(() -> session.send(attack));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        HttpResponse<String> response = measured.result();
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = Json.parse(response.body()).get("error");
        assertThat(error.get("code").asInt()).isEqualTo(-32600);
        assertThat(error.get("message").asString()).contains("more than 100 entries").contains("MAX_BATCH_ENTRIES");
        assertThat(measured.peakGrowthMiB()).as("peak heap growth, MiB").isLessThan(HEAP_BUDGET_MIB);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aBatchAtTheCapIsAnsweredEntryByEntry() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(url);
        HttpResponse<String> response = session.send(batch(100, "tools/list"));
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answers = Json.parse(response.body());
        assertThat(answers.size()).isEqualTo(100);
        assertThat(answers.get(99).at("/result/tools").size()).isPositive();
    }

    @Test
    void eachEntryOfABatchDrawsOnTheRateLimitAndABatchTheBudgetCannotCoverIsRefusedWhole() throws Exception {
        try (Gateway limited = start(Map.of("RATE_LIMIT_PER_MINUTE", "10"))) {
            RawMcp.Session session = RawMcp.Session.open(TestGateways.baseUrl(limited) + "/mcp"); // 2 requests

            HttpResponse<String> tooMany = session.send(batch(9, "ping")); // 2 + 9 > 10
            assertThat(tooMany.statusCode()).isEqualTo(429);
            assertThat(tooMany.headers().firstValue("Retry-After")).isPresent();
            JsonNode error = Json.parse(tooMany.body()).get("error");
            assertThat(error.get("code").asInt()).isEqualTo(-32004);
            assertThat(error.get("message").asString()).contains("a batch of 9 entries counts as 9 requests");

            // the refused batch cost what any refused request costs, one: 7 of the 10 are left
            HttpResponse<String> fits = session.send(batch(7, "ping"));
            assertThat(fits.statusCode()).isEqualTo(200);
            assertThat(Json.parse(fits.body()).size()).isEqualTo(7);
            assertThat(session.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void theAnswerOfABatchIsBoundedAndTheEntriesPastItGetAnErrorEach() throws Exception {
        try (Gateway bounded = start(Map.of("MAX_BATCH_RESPONSE_BYTES", "1024"))) {
            RawMcp.Session session = RawMcp.Session.open(TestGateways.baseUrl(bounded) + "/mcp");
            HttpResponse<String> response = session.send(batch(100, "ping"));

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode answers = Json.parse(response.body());
            assertThat(answers.size()).isEqualTo(100);
            int answered = 0;
            while (answers.get(answered).has("result")) {
                answered++;
            }
            assertThat(answered).isBetween(10, 40);
            for (int i = answered; i < 100; i++) {
                JsonNode entry = answers.get(i);
                assertThat(entry.get("id").asInt()).isEqualTo(i);
                assertThat(entry.at("/error/message").asString())
                        .startsWith("Batch answer too large: over 1024 bytes").contains("MAX_BATCH_RESPONSE_BYTES");
            }
        }
    }

    @Test
    void aBatchOnAnEndpointWithoutBatchesIsRefusedBeforeItIsParsed() throws Exception {
        HttpResponse<String> response = RawMcp.HTTP.send(RawMcp.post(TestGateways.baseUrl(gateway) + "/rpc", null,
                batch(20_000, "tools/list")), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.parse(response.body()).at("/error/message").asString()).contains("batch on /rpc");
    }
}
