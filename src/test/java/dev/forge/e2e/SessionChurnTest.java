package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Ten thousand clients that initialize and vanish: every session is reaped and the heap returns to its baseline. */
class SessionChurnTest {

    static final HttpClient http = HttpClient.newHttpClient();
    static final String INIT = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"churn","version":"1"}}}""";

    @Test
    void tenThousandAbandonedSessionsAreReapedAndTheirMemoryReturns() throws Exception {
        ForgeConfig base = TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of());
        ForgeConfig config = base.withSessionIdleTimeout(Duration.ofSeconds(2));
        try (Gateway gateway = TestGateways.start(config)) {
            String url = TestGateways.baseUrl(gateway) + "/mcp";
            open(url, 1_000); // warm up code paths and pools before taking the baseline
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.sessions().all().isEmpty());
            long baseline = settledHeap();

            open(url, 10_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.sessions().all().isEmpty());
            long after = settledHeap();
            assertThat(after - baseline).as("heap growth after reaping, bytes").isLessThan(24L * 1024 * 1024);
        }
    }

    private static void open(String url, int count) {
        List<CompletableFuture<HttpResponse<Void>>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(http.sendAsync(RawMcp.post(url, null, INIT), HttpResponse.BodyHandlers.discarding()));
            if (batch.size() == 64) {
                batch.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
                batch.clear();
            }
        }
        batch.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    }

    private static long settledHeap() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
