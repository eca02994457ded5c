package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Many clients using the very same JSON-RPC id at once each get their own answer back. */
class ConcurrentClientsTest {

    static final HttpClient http = HttpClient.newHttpClient();

    @Test
    void clientsReusingOneIdNeverSeeEachOthersAnswers() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())))) {
            String url = TestGateways.baseUrl(gateway) + "/mcp";
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sessions.add(RawMcp.Session.open(url).id());
            }
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String message = "client-" + (i % 4) + "-call-" + i;
                expected.add("Echo: " + message);
                calls.add(http.sendAsync(RawMcp.post(url, sessions.get(i % 4), """
                        {"jsonrpc":"2.0","id":"same","method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"%s"}}}"""
                        .formatted(message)), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < calls.size(); i++) {
                JsonNode response = Json.parse(calls.get(i).get().body());
                assertThat(response.get("id").asString()).isEqualTo("same");
                assertThat(response.at("/result/content/0/text").asString()).isEqualTo(expected.get(i));
            }
        }
    }
}
