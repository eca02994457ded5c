package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import dev.forge.upstream.Upstream;
import dev.forge.upstream.UpstreamState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The protections around one upstream: concurrency limit, circuit breaker, health pings, crash-loop report. */
class UpstreamGuardTest {

    static UpstreamConfig chaos(UpstreamPolicy policy) {
        return new UpstreamConfig.Stdio("chaos", Peers.chaosStdio(), Map.of(), policy);
    }

    @Test
    void callsBeyondTheConcurrencyLimitAreRefusedAtOnce() throws Exception {
        UpstreamPolicy policy = UpstreamPolicy.of(Duration.ofSeconds(5), SessionMode.SHARED).withMaxConcurrency(2);
        try (Gateway gateway = TestGateways.start(List.of(chaos(policy)))) {
            RawMcp.Session session = RawMcp.Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            CompletableFuture<JsonNode> first = session.call("chaos__hang", "1");
            CompletableFuture<JsonNode> second = session.call("chaos__hang", "2");
            Upstream chaos = gateway.federation().upstreams().getFirst();
            await().atMost(Duration.ofSeconds(10)).until(() -> chaos.callsInFlight() == 2);
            long start = System.nanoTime();
            JsonNode third = session.call("chaos__echo", "3").get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(third.at("/error/code").asInt()).isEqualTo(-32001);
            assertThat(third.at("/error/message").asString()).contains("concurrency limit (2");
            assertThat(first.get(10, TimeUnit.SECONDS).at("/error/code").asInt()).isEqualTo(-32003);
            second.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUpstreamThatKeepsTimingOutTripsTheBreakerAndFailsFast() throws Exception {
        UpstreamPolicy policy = UpstreamPolicy.of(Duration.ofMillis(200), SessionMode.SHARED);
        try (Gateway gateway = TestGateways.start(List.of(chaos(policy)))) {
            RawMcp.Session session = RawMcp.Session.open(TestGateways.baseUrl(gateway) + "/mcp");
            List<CompletableFuture<JsonNode>> timeouts = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                timeouts.add(session.call("chaos__hang", "h" + i));
            }
            for (CompletableFuture<JsonNode> t : timeouts) {
                assertThat(t.get(10, TimeUnit.SECONDS).at("/error/code").asInt()).isEqualTo(-32003);
            }
            Upstream chaos = gateway.federation().upstreams().getFirst();
            // the breaker records each outcome as the call completes, a moment after the client has its answer
            await().atMost(Duration.ofSeconds(5)).until(() -> chaos.breakerState().equals("open"));
            JsonNode refused = session.call("chaos__echo", "x").get(10, TimeUnit.SECONDS);
            assertThat(refused.at("/error/message").asString()).contains("circuit breaker");
        }
    }

    @Test
    void anUpstreamThatStopsAnsweringPingsIsDroppedAndComesBack() throws Exception {
        UpstreamPolicy policy = UpstreamPolicy.of(Duration.ofSeconds(5), SessionMode.SHARED)
                .withHealthCheckInterval(Duration.ofMillis(200));
        try (Gateway gateway = TestGateways.start(List.of(chaos(policy)))) {
            Upstream chaos = gateway.federation().upstreams().getFirst();
            long frozenPid = chaos.pid();
            RawMcp.Session.open(TestGateways.baseUrl(gateway) + "/mcp").call("chaos__freeze", "");
            await().atMost(Duration.ofSeconds(20)).until(() -> chaos.state() == UpstreamState.READY
                    && chaos.pid() != null && chaos.pid() != frozenPid);
            assertThat(chaos.restarts()).isEqualTo(1);
            assertThat(ProcessHandle.of(frozenPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void anUpstreamThatKeepsDyingIsReportedAsACrashLoop() throws Exception {
        UpstreamConfig dying = new UpstreamConfig.Stdio("dying", List.of(Peers.node(), "-e", "process.exit(1)"), Map.of(),
                UpstreamPolicy.of(Duration.ofSeconds(5), SessionMode.SHARED));
        try (Gateway gateway = TestGateways.start(List.of(dying))) {
            Upstream upstream = gateway.federation().upstreams().getFirst();
            // backoff 1, 2, 4, 8 s: the fifth failure comes about 15 s in
            await().atMost(Duration.ofSeconds(45)).until(upstream::crashLoop);
            assertThat(upstream.state()).isEqualTo(UpstreamState.FAILED);
        }
    }
}
