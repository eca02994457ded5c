package dev.forge.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.catalog.Federation;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ServiceConfig;
import dev.forge.config.UpstreamConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.upstream.UpstreamState;
import org.eclipse.jetty.client.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code priority} and {@code memory_reservation}, with real server-memory processes: the start order, and who sleeps
 * under memory pressure. Only the host's available memory is made up: this machine cannot be brought near its limit
 * safely.
 */
class ServicePriorityTest {

    static ServiceConfig service(String name, String priority, String reservation, boolean sleeps, boolean autoStart) {
        String command = Json.text(Json.valueToTree(Peers.memoryStdio()));
        return new ConfigLoader(Map.of()).service(name, Json.parse("""
                {"name":"%s","command":%s,"auto_start":%s,
                 "sleep_policy":{"enabled":%s,"idle_timeout":"1h","priority":"%s","memory_reservation":"%s"}}"""
                .formatted(name, command, autoStart, sleeps, priority, reservation)), Duration.ofSeconds(20));
    }

    /** A caller that asks nothing of the client: these calls need no progress, sampling or cancel. */
    private static final dev.forge.upstream.Caller NOBODY = new dev.forge.upstream.Caller() {
        public String sessionId() { return "test"; }
        public tools.jackson.databind.node.ObjectNode clientCapabilities() { return Json.object(); }
        public void relay(tools.jackson.databind.node.ObjectNode message) { }
        public java.util.concurrent.CompletableFuture<tools.jackson.databind.node.ObjectNode> ask(String method,
                tools.jackson.databind.node.ObjectNode params) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("not asked in this test"));
        }
        public void withdraw(java.util.concurrent.CompletableFuture<tools.jackson.databind.node.ObjectNode> asked, String reason) { }
        public void onCancel(Runnable action) { }
        public dev.forge.upstream.Caller sessionWide() { return this; }
    };

    @Test
    void belowTheReservationOfAStoppedServiceIdleOnesSleepLowestPriorityFirstAndNeverAHigherOne() throws Exception {
        List<ServiceConfig> services = List.of(
                service("low", "low", "1MB", true, true),
                service("normal", "normal", "1MB", true, true),
                service("pinned", "low", "1MB", false, true),   // its sleep policy is off: never put to sleep
                service("above", "high", "1MB", true, true),    // higher than the one memory is kept for
                service("waiting", "normal", "512MB", true, true));
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        AtomicLong available = new AtomicLong(Long.MAX_VALUE);
        List<UpstreamConfig> upstreams = services.stream().<UpstreamConfig>map(ServiceConfig::upstream).toList();
        HttpClient http = new HttpClient();
        http.start();
        try (Federation federation = new Federation(TestGateways.config(upstreams, List.of()), http, scheduler, "test");
             ServiceSupervisor supervisor = new ServiceSupervisor(federation, scheduler, Clock.systemUTC(), available::get,
                     Duration.ofSeconds(2))) {
            services.forEach(supervisor::manage);
            federation.start(Set.of());
            assertThat(federation.awaitReady(Duration.ofSeconds(60))).isTrue();
            assertThat(federation.find("waiting").sleep("test: asleep, to be woken by its next call")).isTrue();

            available.set(100L << 20); // 100 MiB available, 512 MiB kept for 'waiting'
            // a service in use is not stopped between two calls: 'normal' keeps being called, and stays up
            Thread caller = Thread.ofVirtual().start(() -> {
                while (!Thread.currentThread().isInterrupted() && federation.find("low").state() != UpstreamState.SLEEPING) {
                    federation.find("normal").forward((tools.jackson.databind.node.ObjectNode) Json.parse(
                            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"read_graph\",\"arguments\":{}}}"),
                            NOBODY).join();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> federation.find("low").state() == UpstreamState.SLEEPING);
            assertThat(federation.find("low").lastError()).contains("memory pressure").contains("'waiting'");
            caller.join();
            await().atMost(Duration.ofSeconds(10)).until(() -> federation.find("normal").state() == UpstreamState.SLEEPING);
            assertThat(federation.find("low").since()).as("one a second, the lowest priority first").isBefore(federation.find("normal").since());
            // nothing else is eligible: the pinned one and the higher-priority one keep running
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                    federation.find("pinned").state() == UpstreamState.READY && federation.find("above").state() == UpstreamState.READY);

            available.set(Long.MAX_VALUE); // the pressure is gone: nothing more sleeps, and a call wakes what slept
            federation.find("low").wake();
            await().atMost(Duration.ofSeconds(30)).until(() -> federation.find("low").state() == UpstreamState.READY);
        } finally {
            scheduler.shutdownNow();
            http.stop();
        }
        assertThat(TestGateways.childProcesses("server-memory")).isZero();
    }

    @Test
    void servicesStartHighestPriorityFirst() throws Exception {
        List<ServiceConfig> services = List.of(
                service("later", "low", "1MB", true, true),
                service("first", "critical", "1MB", true, true),
                service("second", "normal", "1MB", true, true));
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        HttpClient http = new HttpClient();
        http.start();
        List<UpstreamConfig> upstreams = services.stream().<UpstreamConfig>map(ServiceConfig::upstream).toList();
        Map<String, Integer> tier = Map.of("first", 3, "second", 1, "later", 0);
        try (Federation federation = new Federation(TestGateways.config(upstreams, List.of()), http, scheduler, "test")) {
            federation.start(Set.of(), tier::get);
            assertThat(federation.awaitReady(Duration.ofSeconds(60))).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> upstreams.stream().allMatch(u -> federation.find(u.name()).state() == UpstreamState.READY));
            // each became ready before the next tier was started
            assertThat(federation.find("first").since()).isBefore(federation.find("second").since());
            assertThat(federation.find("second").since()).isBefore(federation.find("later").since());
        } finally {
            scheduler.shutdownNow();
            http.stop();
        }
    }
}
