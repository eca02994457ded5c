package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamLimits;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import dev.forge.support.LogCapture;
import dev.forge.support.MemoryBudget;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp.Session;
import dev.forge.support.TestGateways;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** Stdio upstreams that attack the gateway: what their clients see, and what it costs the gateway. */
class HostileUpstreamsTest {

    static UpstreamConfig attack(String mode, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("ATTACK", mode);
        return new UpstreamConfig.Stdio("attack", Peers.attackStdio(), all, UpstreamPolicy.of(Duration.ofSeconds(30), SessionMode.SHARED));
    }

    static Upstream upstream(Gateway gateway) {
        return gateway.federation().upstreams().stream().filter(u -> u.name().equals("attack")).findFirst().orElseThrow();
    }

    static CompletableFuture<JsonNode> call(Session session, String tool, String arguments) {
        return session.sendAsync("""
                {"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"attack__%s","arguments":%s}}""".formatted(tool, arguments))
                .thenApply(r -> Json.parse(r.body()));
    }

    @Test
    void anAnswerOverTheLimitFailsItsCallAtOnceAndTheUpstreamServesTheNext() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(attack("", Map.of())))) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            long start = System.nanoTime();
            JsonNode answer = call(session, "big", "{\"mb\":33}").get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(answer.at("/error/message").asString()).as(answer.toString()).startsWith("Upstream 'attack' broke the protocol");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(upstream(gateway).lastCallFailure()).hasValueSatisfying(f ->
                    assertThat(f.failure().getMessage()).contains("answer too large").contains("MAX_UPSTREAM_MESSAGE_BYTES")));
            assertThat(call(session, "echo", "{\"message\":\"still here\"}").get(10, TimeUnit.SECONDS)
                    .at("/result/content/0/text").asString()).isEqualTo("echo: still here");
        }
    }

    @Test
    void anOversizedAnswerWithItsIdLastFailsThatCallAndNotAnotherWaiting() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(attack("", Map.of())), List.of())
                .withUpstreamLimits(new UpstreamLimits(1024 * 1024, 10_000, 32, 128));
        try (Gateway gateway = TestGateways.start(config)) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            CompletableFuture<JsonNode> hanging = call(session, "hang", "{}");
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream(gateway).callsInFlight() == 1);
            JsonNode answer = call(session, "big", "{\"mb\":3,\"idLast\":true}").get(10, TimeUnit.SECONDS);
            assertThat(answer.at("/error/message").asString()).startsWith("Upstream 'attack' broke the protocol");
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream(gateway).callsInFlight() == 1);
            assertThat(hanging).isNotDone();
        }
    }

    @Test
    void concurrentHugeAnswersStayWithinAMemoryBudget() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(attack("", Map.of())), List.of())
                .withUpstreamLimits(new UpstreamLimits(1024 * 1024, 10_000, 32, 128));
        try (Gateway gateway = TestGateways.start(config)) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            // six answers of 40 MiB at once: read whole, they would take 6 x 40 MiB as bytes and twice that as text
            MemoryBudget.Measured<List<JsonNode>> measured = MemoryBudget.during(() -> {
                List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    calls.add(call(session, "big", "{\"mb\":40}"));
                }
                List<JsonNode> answers = new ArrayList<>();
                for (CompletableFuture<JsonNode> c : calls) {
                    answers.add(c.get(60, TimeUnit.SECONDS));
                }
                return answers;
            });
            assertThat(measured.result()).allSatisfy(a -> assertThat(a.at("/error/message").asString()).contains("broke the protocol"));
            assertThat(measured.peakGrowthMiB()).as("peak heap growth, MiB").isLessThan(64);
        }
    }

    @Test
    void anUpstreamThatPagesForeverIsStoppedAtTheItemBudgetMarkedFailedAndNotPulledAgainAtOnce() throws Exception {
        Path starts = Files.createTempFile("forge-attack-starts", ".txt");
        try (Gateway gateway = TestGateways.start(List.of(attack("pages", Map.of("STARTS_FILE", starts.toString()))))) {
            Upstream attack = upstream(gateway);
            await().atMost(Duration.ofSeconds(20)).until(() -> attack.state() == UpstreamState.FAILED);
            assertThat(attack.lastError()).contains("more than 10000 items").contains("MAX_UPSTREAM_LIST_ITEMS");
            // backed off for its longest pause: no second process (and million-tool pull) within seconds
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                    .until(() -> Files.readAllLines(starts).size() == 1);
        } finally {
            Files.deleteIfExists(starts);
        }
    }

    @Test
    void anUpstreamWhoseListGrowsPastTheBudgetAfterAChangeIsMarkedFailed() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(attack("", Map.of())))) {
            Upstream attack = upstream(gateway);
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            assertThat(call(session, "grow", "{}").get(10, TimeUnit.SECONDS).at("/result/content/0/text").asString()).isEqualTo("grown");
            await().atMost(Duration.ofSeconds(20)).until(() -> attack.state() == UpstreamState.FAILED);
            assertThat(attack.lastError()).contains("MAX_UPSTREAM_LIST_ITEMS");
            assertThat(attack.lists().tools()).isEmpty();
        }
    }

    @Test
    void aChattyUpstreamGetsAFewLinesPerSecondIntoTheLogWithControlBytesEscaped() throws Exception {
        LogCapture log = LogCapture.capture();
        long start;
        try (Gateway gateway = TestGateways.start(List.of(attack("", Map.of())))) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            start = System.nanoTime();
            JsonNode answer = call(session, "chatty", "{\"lines\":1500}").get(20, TimeUnit.SECONDS);
            assertThat(answer.at("/result/content/0/text").asString()).isEqualTo("after noise");
        }
        try { // the process has ended: its reader reports the counts of lines it did not log as it finishes
            await().atMost(Duration.ofSeconds(5)).until(() -> !log.messages("more lines to stdout").isEmpty()
                    || !log.messages("more non-JSON lines").isEmpty());
        } finally {
            log.close();
        }
        double seconds = Math.ceil((System.nanoTime() - start) / 1e9);
        List<String> stdout = messages(log, "non-JSON to stdout");
        List<String> stderr = log.events().stream().filter(e -> e.getLoggerName().equals("upstream.attack"))
                .map(ILoggingEvent::getFormattedMessage).toList();
        // 3,000 lines written; at most ten a second of each stream (and a count of the rest) reach the log
        assertThat(stdout.size()).as("stdout lines logged").isBetween(10, (int) (10 * (seconds + 1)));
        assertThat(stderr.size()).as("stderr lines logged").isBetween(10, (int) (10 * (seconds + 1)));
        assertThat(stdout).allSatisfy(m -> assertThat(m).doesNotContain("\u001b").doesNotContain("\u0007").contains("\\u001b"));
        assertThat(stderr).allSatisfy(m -> assertThat(m).doesNotContain("\u001b"));
        assertThat(messages(log, "more non-JSON lines").size() + messages(log, "more lines to stdout").size()).isPositive();
        assertThat(messages(log, "more lines on stderr").size() + messages(log, "more lines to stderr").size()).isPositive();
    }

    @Test
    void garbageNeverAnsweringAndInstantExitAreClearErrorsNotHangs() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(attack("", Map.of())))) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            assertThat(call(session, "garbage", "{}").get(10, TimeUnit.SECONDS).at("/result/content/0/text").asString())
                    .isEqualTo("after garbage");
            JsonNode crashed = call(session, "crash", "{}").get(10, TimeUnit.SECONDS);
            assertThat(crashed.at("/error/message").asString()).startsWith("Upstream 'attack' is unreachable");
        }
        try (Gateway gateway = TestGateways.start(List.of(attack("exit", Map.of())))) {
            assertThat(upstream(gateway).state()).isEqualTo(UpstreamState.FAILED);
            assertThat(upstream(gateway).lastError()).contains("exited with code 3");
        }
    }

    @Test
    void anHttpUpstreamsAnswerOverTheLimitFailsItsCallAtOnce() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mcp", exchange -> {
            JsonNode request = Json.parse(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            String id = request.path("id").toString();
            String body = switch (request.path("method").asString("")) {
                case "initialize" -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"protocolVersion\":\"2025-11-25\","
                        + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"big\",\"version\":\"1\"}}}";
                case "tools/list" -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"tools\":[{\"name\":\"big\",\"inputSchema\":{\"type\":\"object\"}}]}}";
                case "tools/call" -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
                        + "x".repeat(3 * 1024 * 1024) + "\"}]}}";
                default -> "";
            };
            dev.forge.support.JsonReplies.reply(exchange, body.isEmpty() ? 202 : 200, body);
        });
        server.start();
        ForgeConfig config = TestGateways.config(List.of(TestGateways.streamableHttp("attack",
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp")), List.of())
                .withUpstreamLimits(new UpstreamLimits(1024 * 1024, 10_000, 32, 128));
        try (Gateway gateway = TestGateways.start(config)) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            JsonNode answer = call(session, "big", "{}").get(10, TimeUnit.SECONDS);
            assertThat(answer.at("/error/message").asString()).as("the error").startsWith("Upstream 'attack' broke the protocol");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(upstream(gateway).lastCallFailure()).hasValueSatisfying(f ->
                    assertThat(f.failure().getMessage()).contains("answer too large")));
        } finally {
            server.stop(0);
        }
    }

    static List<String> messages(LogCapture log, String fragment) {
        return log.messages(fragment);
    }
}
