package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The server-to-client (GET) stream carries event ids; a client that reconnects with {@code Last-Event-ID} gets
 * what it missed from the replay window, and the new stream replaces the old one instead of being refused.
 */
class ResumableStreamTest {

    static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aReconnectingClientResumesAfterTheLastEventItSaw() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())))) {
            String url = TestGateways.baseUrl(gateway) + "/mcp";
            String session = RawMcp.Session.open(url).id();

            List<String> first = new CopyOnWriteArrayList<>();
            Stream<String> firstStream = openStream(url, session, null, first);
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.sessions().find(session).hasStream());
            long pid = gateway.federation().upstreams().getFirst().pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // its tools leave: list_changed for this client
            await().atMost(Duration.ofSeconds(15)).until(() -> first.contains("id: 1"));

            List<String> second = new CopyOnWriteArrayList<>();
            Stream<String> secondStream = openStream(url, session, "0", second);
            await().atMost(Duration.ofSeconds(10)).until(() -> second.contains("id: 1"));
            assertThat(String.join("\n", second)).contains("notifications/tools/list_changed");
            firstStream.close();
            secondStream.close();
        }
    }

    private static Stream<String> openStream(String url, String session, String lastEventId, List<String> into) throws Exception {
        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session).GET();
        if (lastEventId != null) {
            get.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = http.send(get.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        Stream<String> lines = response.body();
        Thread.ofVirtual().start(() -> {
            try {
                lines.forEach(into::add);
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        });
        return lines;
    }
}
