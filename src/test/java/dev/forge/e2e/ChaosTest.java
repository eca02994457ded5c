package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.protocol.Json;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.RawMcp.Session;
import dev.forge.support.TestGateways;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Upstreams that hang, crash, lie or restart: what the client sees, and that nothing is left behind. */
class ChaosTest {

    static final HttpClient http = RawMcp.HTTP;

    static UpstreamConfig chaos(Duration timeout) {
        return new UpstreamConfig.Stdio("chaos", Peers.chaosStdio(), Map.of(), UpstreamPolicy.of(timeout, SessionMode.SHARED));
    }

    static Upstream upstream(Gateway gateway, String name) {
        return gateway.federation().upstreams().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anUpstreamThatNeverAnswersTimesOutPromptlyAndIsToldToCancel() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(chaos(Duration.ofSeconds(1))))) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            long start = System.nanoTime();
            JsonNode response = session.call("chaos__hang", "x").get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(response.at("/error/code").asInt()).isEqualTo(-32003);
            assertThat(response.at("/error/message").asString()).contains("'chaos'").contains("1000 ms");
            JsonNode cancelled = session.call("chaos__cancelled", "").get(10, TimeUnit.SECONDS);
            assertThat(Json.parse(cancelled.at("/result/content/0/text").asString())).isNotEmpty();
        }
    }

    @Test
    void aClientsCancellationReachesTheUpstream() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(chaos(Duration.ofSeconds(30))))) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            CompletableFuture<HttpResponse<String>> hanging = http.sendAsync(RawMcp.post(session.url(), session.id(), """
                    {"jsonrpc":"2.0","id":"to-cancel","method":"tools/call","params":{"name":"chaos__hang","arguments":{}}}"""),
                    HttpResponse.BodyHandlers.ofString());
            Upstream chaos = upstream(gateway, "chaos");
            await().atMost(Duration.ofSeconds(10)).until(() -> chaos.callsInFlight() == 1);
            http.send(RawMcp.post(session.url(), session.id(), """
                    {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"to-cancel"}}"""), HttpResponse.BodyHandlers.discarding());
            assertThat(Json.parse(hanging.get(10, TimeUnit.SECONDS).body()).at("/error/code").asInt()).isEqualTo(-32800);
            JsonNode cancelled = session.call("chaos__cancelled", "").get(10, TimeUnit.SECONDS);
            // the upstream heard of it under the id it knew the request by (ours, a number), not the client's
            assertThat(Json.parse(cancelled.at("/result/content/0/text").asString()).get(0).isNumber()).isTrue();
        }
    }

    @Test
    void anUpstreamWithdrawingItsQuestionIsPassedDownToTheClient() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(chaos(Duration.ofSeconds(30))))) {
            Session elicitable = Session.open(TestGateways.baseUrl(gateway) + "/mcp", "{\"elicitation\":{}}");
            String stream = http.send(RawMcp.post(elicitable.url(), elicitable.id(), """
                    {"jsonrpc":"2.0","id":"w","method":"tools/call","params":{"name":"chaos__withdraw","arguments":{}}}"""),
                    HttpResponse.BodyHandlers.ofString()).body();
            // on the call's own stream: the question, its withdrawal under the client-side id, then the answer
            int asked = stream.indexOf("\"method\":\"elicitation/create\"");
            int withdrawn = stream.indexOf("\"method\":\"notifications/cancelled\"");
            int answered = stream.indexOf("withdrew");
            assertThat(asked).isPositive();
            assertThat(withdrawn).isGreaterThan(asked);
            assertThat(answered).isGreaterThan(withdrawn);
            assertThat(stream).contains("\"requestId\":\"forge-1\"");
        }
    }

    @Test
    void garbageOnStdoutIsSkippedAndTheAnswerStillArrives() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(chaos(Duration.ofSeconds(10))))) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            JsonNode response = session.call("chaos__garbage", "x").get(10, TimeUnit.SECONDS);
            assertThat(response.at("/result/content/0/text").asString()).isEqualTo("after garbage");
            assertThat(upstream(gateway, "chaos").state()).isEqualTo(UpstreamState.READY);
        }
    }

    @Test
    void anUpstreamThatCrashesMidCallFailsTheCallAtOnceAndIsRestarted() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(chaos(Duration.ofSeconds(30))))) {
            Upstream chaos = upstream(gateway, "chaos");
            long firstPid = chaos.pid();
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            long start = System.nanoTime();
            JsonNode response = session.call("chaos__crash", "x").get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(response.at("/error/message").asString()).startsWith("Upstream 'chaos' is unreachable (reference ");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(chaos.lastCallFailure())
                    .as("the detail, for /health").hasValueSatisfying(f -> assertThat(f.failure().getMessage()).contains("exited with code 7")));

            await().atMost(Duration.ofSeconds(20)).until(() -> chaos.state() == UpstreamState.READY && chaos.pid() != firstPid);
            assertThat(chaos.restarts()).isEqualTo(1);
            JsonNode after = session.call("chaos__echo", "back").get(10, TimeUnit.SECONDS);
            assertThat(after.at("/result/content/0/text").asString()).isEqualTo("echo: back");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> TestGateways.childProcesses("forge-chaos-server") == 0);
    }

    @Test
    void killingTheUpstreamMidCallFailsTheCallAtOnceNamingIt() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())))) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            String body = """
                    {"jsonrpc":"2.0","id":"long","method":"tools/call","params":{"name":"everything__trigger-long-running-operation","arguments":{"duration":60,"steps":60}}}""";
            CompletableFuture<HttpResponse<String>> call = http.sendAsync(RawMcp.post(session.url(), session.id(), body),
                    HttpResponse.BodyHandlers.ofString());
            Upstream everything = upstream(gateway, "everything");
            await().atMost(Duration.ofSeconds(10)).until(() -> everything.callsInFlight() == 1);
            ProcessHandle.of(everything.pid()).orElseThrow().destroyForcibly();
            JsonNode response = Json.parse(call.get(10, TimeUnit.SECONDS).body());
            assertThat(response.at("/error/message").asString()).contains("everything");
            assertThat(response.at("/error/code").asInt()).isEqualTo(-32001);
        }
    }

    @Test
    void anHttpUpstreamThatRestartsIsReinitializedAndReadsAreRetried() throws Exception {
        int port = NodeHttpServer.freePort();
        NodeHttpServer first = NodeHttpServer.everything("streamableHttp", port);
        try (Gateway gateway = TestGateways.start(List.of(TestGateways.streamableHttp("remote", first.url("/mcp"))))) {
            Session session = Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            String read = """
                    {"jsonrpc":"2.0","id":"r","method":"resources/read","params":{"uri":"demo://resource/static/document/architecture.md"}}""";
            assertThat(http.send(RawMcp.post(session.url(), session.id(), read), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("Architecture");
            first.close();
            try (NodeHttpServer second = NodeHttpServer.everything("streamableHttp", port)) {
                HttpResponse<String> again = http.send(RawMcp.post(session.url(), session.id(), read), HttpResponse.BodyHandlers.ofString());
                assertThat(again.body()).contains("Architecture").doesNotContain("error");
                JsonNode echo = session.call("remote__echo", "after restart").get(10, TimeUnit.SECONDS);
                assertThat(echo.at("/result/content/0/text").asString()).isEqualTo("Echo: after restart");
            }
        } finally {
            first.close();
        }
    }

    @Test
    void twoHundredClientsOnOnePerClientUpstreamEachGetTheirOwnAnswerAndLeaveNothingBehind() throws Exception {
        try (NodeHttpServer server = NodeHttpServer.everything("streamableHttp");
             Gateway gateway = TestGateways.start(List.of(new UpstreamConfig.StreamableHttp("remote", URI.create(server.url("/mcp")),
                     Map.of(), UpstreamPolicy.of(Duration.ofSeconds(30), SessionMode.PER_CLIENT).withMaxConcurrency(256))))) {
            List<CompletableFuture<Session>> opening = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                opening.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return Session.open(TestGateways.baseUrl(gateway) + "/mcp");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
            }
            List<Session> sessions = opening.stream().map(CompletableFuture::join).toList();
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < sessions.size(); i++) {
                calls.add(sessions.get(i).call("remote__echo", "client " + i));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertThat(calls.get(i).get(60, TimeUnit.SECONDS).at("/result/content/0/text").asString()).isEqualTo("Echo: client " + i);
            }
            Upstream remote = upstream(gateway, "remote");
            assertThat(remote.clientSessions()).isEqualTo(200);
            for (Session s : sessions) {
                s.delete();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> remote.clientSessions() == 0);
            assertThat(gateway.sessions().all()).isEmpty();
            assertThat(remote.state()).isEqualTo(UpstreamState.READY);
        }
    }
}
