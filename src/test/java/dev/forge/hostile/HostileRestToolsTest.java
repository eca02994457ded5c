package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.RawMcp;
import dev.forge.support.RawMcp.Session;
import dev.forge.support.TestGateways;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** REST tools called with arguments chosen to break them: the caller hears at once, and nobody else suffers. */
class HostileRestToolsTest {

    HttpServer service;
    String serviceUrl;

    @BeforeEach
    void startService() throws Exception {
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/ok", exchange -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        service.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()); // a hanging handler blocks no other
        service.start();
        serviceUrl = "http://127.0.0.1:" + service.getAddress().getPort();
    }

    @AfterEach
    void stopService() {
        service.stop(0);
    }

    static void register(String base, String body) throws Exception {
        HttpResponse<String> created = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/tools"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    static JsonNode call(Session session, String tool, String arguments) throws Exception {
        return Json.parse(session.sendAsync("""
                {"jsonrpc":"2.0","id":"c","method":"tools/call","params":{"name":"%s","arguments":%s}}""".formatted(tool, arguments))
                .get(5, TimeUnit.SECONDS).body());
    }

    @Test
    void aHostArgumentThatMakesAnInvalidUrlIsTheCallersErrorAtOnceAndNeverOpensTheSharedBreaker() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of())) {
            String base = TestGateways.baseUrl(gateway);
            register(base, """
                    {"name":"lookup","request_type":"GET","url":"http://{host}/ok",
                     "input_schema":{"type":"object","properties":{"host":{"type":"string"}}}}""");
            register(base, """
                    {"name":"fine","request_type":"GET","url":"%s/ok"}""".formatted(serviceUrl));
            Session session = Session.open(base + "/mcp");
            for (int i = 0; i < 25; i++) { // more than the breaker's window: were they counted, it would open
                long start = System.nanoTime();
                JsonNode answer = call(session, "rest__lookup", "{\"host\":\"127.0.0.1:18080\"}");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                assertThat(answer.at("/result/isError").asBoolean()).as(answer.toString()).isTrue();
                assertThat(answer.at("/result/content/0/text").asString()).contains("argument host").contains("127.0.0.1:18080");
            }
            JsonNode fine = call(session, "rest__fine", "{}");
            assertThat(fine.at("/result/isError").asBoolean(false)).as(fine.toString()).isFalse();
            assertThat(fine.at("/result/content/0/text").asString()).contains("\"ok\":true");
            assertThat(gateway.federation().upstreams().stream().filter(u -> u.name().equals("rest")).findFirst().orElseThrow()
                    .breakerState()).isEqualTo("closed");
        }
    }

    @Test
    void anAnswerOverTheBoundAndAnApiThatIsGoneAreTheToolsErrorResultsAndTheNextCallIsServed() throws Exception {
        service.createContext("/huge", exchange -> { // 5 MiB, over the 4 MiB a REST answer may have, sent in chunks
            exchange.sendResponseHeaders(200, 0);
            byte[] block = "x".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
            try (var out = exchange.getResponseBody()) {
                for (int i = 0; i < 80; i++) {
                    out.write(block);
                }
            } catch (java.io.IOException e) {
                // the gateway may stop reading: that is its right
            }
        });
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort(); // nothing listens there once the probe closes
        }
        try (Gateway gateway = TestGateways.start(List.of())) {
            String base = TestGateways.baseUrl(gateway);
            register(base, """
                    {"name":"huge","request_type":"GET","url":"%s/huge"}""".formatted(serviceUrl));
            register(base, """
                    {"name":"gone","request_type":"GET","url":"http://127.0.0.1:%d/gone"}""".formatted(closedPort));
            register(base, """
                    {"name":"fine","request_type":"GET","url":"%s/ok"}""".formatted(serviceUrl));
            Session session = Session.open(base + "/mcp");
            JsonNode huge = call(session, "rest__huge", "{}");
            assertThat(huge.at("/result/isError").asBoolean()).as(huge.toString()).isTrue();
            assertThat(huge.at("/result/content/0/text").asString()).isEqualTo("the response is larger than 4194304 bytes");
            JsonNode gone = call(session, "rest__gone", "{}");
            assertThat(gone.at("/result/isError").asBoolean()).as(gone.toString()).isTrue();
            assertThat(gone.at("/result/content/0/text").asString()).startsWith("cannot reach the tool's API").doesNotContain("127.0.0.1");
            assertThat(call(session, "rest__fine", "{}").at("/result/content/0/text").asString()).contains("\"ok\":true");
        }
    }

    @Test
    void anApiThatNeverAnswersIsTheToolsErrorResultAndNeverOpensTheSharedBreaker() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        service.createContext("/never", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        dev.forge.config.ForgeConfig c = TestGateways.config(List.of(), List.of());
        dev.forge.config.ForgeConfig config = new dev.forge.config.ForgeConfig(c.host(), c.port(), c.separator(), c.connectTimeout(),
                Duration.ofSeconds(2), c.sessionIdleTimeout(), c.logLevel(), c.jsonLogs(), c.prometheusEnabled(), c.gateways(),
                c.servers(), c.database(), c.skipMigrations(), c.allowedHosts(), c.allowedOrigins(), c.security(), c.roles(),
                c.serviceManager(), c.rootUpstream(), c.router(), c.upstreamLimits(), null);
        try (Gateway gateway = TestGateways.start(config)) {
            String base = TestGateways.baseUrl(gateway);
            register(base, """
                    {"name":"slow","request_type":"GET","url":"%s/never"}""".formatted(serviceUrl));
            register(base, """
                    {"name":"fine","request_type":"GET","url":"%s/ok"}""".formatted(serviceUrl));
            Session session = Session.open(base + "/mcp");
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) { // more than the breaker needs to judge: were they counted, it would open
                calls.add(session.sendAsync("""
                        {"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"rest__slow","arguments":{}}}"""));
            }
            for (var call : calls) {
                JsonNode answer = Json.parse(call.get(10, TimeUnit.SECONDS).body());
                assertThat(answer.at("/result/isError").asBoolean()).as(answer.toString()).isTrue();
            }
            assertThat(gateway.federation().upstreams().stream().filter(u -> u.name().equals("rest")).findFirst().orElseThrow()
                    .breakerState()).isEqualTo("closed");
            assertThat(call(session, "rest__fine", "{}").at("/result/content/0/text").asString()).contains("\"ok\":true");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aPathArgumentFullOfUrlSyntaxIsEncodedNotObeyed() throws Exception {
        try (Gateway gateway = TestGateways.start(List.of())) {
            String base = TestGateways.baseUrl(gateway);
            register(base, """
                    {"name":"page","request_type":"GET","url":"%s/ok/{path}"}""".formatted(serviceUrl));
            Session session = Session.open(base + "/mcp");
            JsonNode answer = call(session, "rest__page", "{\"path\":\"@evil.example:80/%00?#\"}");
            assertThat(answer.at("/result/content/0/text").asString()).contains("\"ok\":true");
        }
    }
}
