package dev.forge.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.catalog.Federation;
import dev.forge.support.TestGateways;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;

/**
 * An operator's stop holds: an upstream halted while it fails and retries is not brought back by a retry; and a
 * restart (a halt, then a start) while a start is under way still ends with the upstream running.
 */
class HaltTest {

    @Test
    void aRestartWhileTheUpstreamIsStillStartingEndsRunning() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        HttpClient http = new HttpClient();
        http.start();
        try (Federation federation = new Federation(TestGateways.config(List.of(), List.of()), http, scheduler, "test")) {
            Upstream memory = federation.add(TestGateways.stdio("memory", dev.forge.support.Peers.memoryStdio()), false);
            assertThat(memory.state()).isEqualTo(UpstreamState.STOPPED);
            long before = TestGateways.childProcesses("server-memory");
            memory.wake(); // an operator's start: the process is spawned, the handshake under way…
            await().atMost(Duration.ofSeconds(10)).until(() -> TestGateways.childProcesses("server-memory") > before);
            memory.halt("restarting"); // …when a restart comes: the start under way is given up,
            memory.wake(); // and the restart's own start is not lost behind it
            await().atMost(Duration.ofSeconds(30)).until(() -> memory.state() == UpstreamState.READY);
        } finally {
            http.stop();
            scheduler.shutdownNow();
        }
    }

    @Test
    void anUpstreamHaltedBetweenRetriesStaysStopped() throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        HttpClient http = new HttpClient();
        http.start();
        // nothing listens on port 1: every attempt fails at once, and a retry is scheduled after 1 s, then 2 s, …
        try (Federation federation = new Federation(TestGateways.config(List.of(
                TestGateways.streamableHttp("nowhere", "http://127.0.0.1:1/mcp")), List.of()), http, scheduler, "test")) {
            federation.start(Set.of());
            Upstream nowhere = federation.find("nowhere");
            await().atMost(Duration.ofSeconds(10)).until(() -> nowhere.state() == UpstreamState.FAILED);

            nowhere.halt("test: an operator's stop");
            assertThat(nowhere.state()).isEqualTo(UpstreamState.STOPPED);
            // through the retries that were scheduled before the stop
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> nowhere.state() == UpstreamState.STOPPED);
            assertThat(nowhere.lastError()).contains("an operator's stop");
        } finally {
            http.stop();
            scheduler.shutdownNow();
        }
    }
}
