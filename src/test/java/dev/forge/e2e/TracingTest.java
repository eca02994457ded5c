package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.forge.Gateway;
import dev.forge.config.TracingConfig;
import dev.forge.protocol.Json;
import dev.forge.support.LogCapture;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A federated call's trace, end to end, as a collector receives it over OTLP/HTTP (a receiver in this test decodes
 * the protobuf Forge sends): a client with a W3C trace → an outer Forge → an inner Forge (its upstream, over
 * Streamable HTTP) → server-everything over stdio, asleep until the call wakes it. Each Forge exports its own spans
 * under its own service name; the span tree must join up across both.
 */
class TracingTest {

    /** One span as received: ids in hex, attributes as text. */
    record Received(String service, String traceId, String spanId, String parentId, String name, String kind,
                    Map<String, String> attributes) {}

    static final List<Received> SPANS = new CopyOnWriteArrayList<>();
    static HttpServer collector;
    static Gateway inner;
    static Gateway outer;

    @BeforeAll
    static void start() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
            export.getResourceSpansList().forEach(resource -> {
                String service = text(resource.getResource().getAttributesList()).get("service.name");
                resource.getScopeSpansList().forEach(scope -> scope.getSpansList().forEach(span -> SPANS.add(new Received(service,
                        hex(span.getTraceId().toByteArray()), hex(span.getSpanId().toByteArray()),
                        hex(span.getParentSpanId().toByteArray()), span.getName(), span.getKind().name(), text(span.getAttributesList())))));
            });
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, 0);
            exchange.close();
        });
        collector.start();
        String url = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces";
        inner = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of())
                .withTracing(new TracingConfig(url, "forge-inner", Map.of(), 1.0, Duration.ofMillis(100))));
        outer = TestGateways.start(TestGateways.config(List.of(TestGateways.streamableHttp("inner", TestGateways.baseUrl(inner) + "/mcp"),
                        TestGateways.sse("inner-sse", TestGateways.baseUrl(inner) + "/sse")), // the same Forge over legacy SSE
                List.of()).withTracing(new TracingConfig(url, "forge-outer", Map.of(), 1.0, Duration.ofMillis(100))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (outer != null) outer.close();
        if (inner != null) inner.close();
        if (collector != null) collector.stop(0);
    }

    static Map<String, String> text(List<KeyValue> attributes) {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, a -> a.getValue().hasStringValue()
                ? a.getValue().getStringValue() : a.getValue().hasIntValue() ? Long.toString(a.getValue().getIntValue())
                : a.getValue().toString().trim(), (a, b) -> b));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** The spans of a trace once {@code count} have arrived (20 s at most). */
    static List<Received> trace(String traceId, int count) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Received> spans;
        do {
            spans = SPANS.stream().filter(s -> s.traceId().equals(traceId)).toList();
            if (spans.size() >= count) {
                return spans;
            }
            Thread.sleep(50); // the exporters send every 100 ms
        } while (System.nanoTime() < end);
        throw new AssertionError("expected " + count + " spans of trace " + traceId + ", got " + spans);
    }

    static Received one(List<Received> spans, String service, String kind, String nameStart) {
        List<Received> found = spans.stream().filter(s -> s.service().equals(service) && s.kind().equals("SPAN_KIND_" + kind)
                && s.name().startsWith(nameStart)).toList();
        assertThat(found).as("one %s %s span '%s…' among %s", service, kind, nameStart, spans).hasSize(1);
        return found.getFirst();
    }

    @Test
    void aFederatedCallsSpansFormOneTreeFromTheClientToTheStdioServer() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String clientSpan = "00f067aa0ba902b7";
        assertThat(inner.federation().find("everything").sleep("test: asleep until the traced call wakes it")).isTrue();
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"inner__everything__echo\","
                + "\"arguments\":{\"message\":\"traced\"},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        HttpResponse<String> answer = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(outer) + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "inner__everything__echo")
                .header("traceparent", "00-" + traceId + "-" + clientSpan + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).contains("Echo: traced");

        List<Received> spans = trace(traceId, 5);
        Received outerServer = one(spans, "forge-outer", "SERVER", "tools/call inner__everything__echo");
        Received outerCall = one(spans, "forge-outer", "CLIENT", "tools/call inner");
        Received innerServer = one(spans, "forge-inner", "SERVER", "tools/call everything__echo");
        Received wake = one(spans, "forge-inner", "INTERNAL", "wake-up of everything");
        Received innerCall = one(spans, "forge-inner", "CLIENT", "tools/call everything");
        assertThat(outerServer.parentId()).as("the client's span is the parent").isEqualTo(clientSpan);
        assertThat(outerCall.parentId()).isEqualTo(outerServer.spanId());
        assertThat(innerServer.parentId()).as("the inner Forge continues the outer's upstream call").isEqualTo(outerCall.spanId());
        assertThat(wake.parentId()).isEqualTo(innerServer.spanId());
        assertThat(innerCall.parentId()).isEqualTo(innerServer.spanId());
        assertThat(outerServer.attributes()).containsEntry("mcp.method.name", "tools/call")
                .containsEntry("gen_ai.tool.name", "inner__everything__echo").containsEntry("forge.upstream", "inner")
                .containsEntry("forge.outcome", "ok").containsKey("enduser.id");
        assertThat(outerCall.attributes()).containsEntry("forge.upstream", "inner").containsEntry("forge.upstream.transport", "streamable-http");
        assertThat(innerCall.attributes()).containsEntry("forge.upstream", "everything").containsEntry("forge.upstream.transport", "stdio");
    }

    /**
     * The legacy SSE cell on both sides: a client on the outer Forge's {@code /sse} endpoint posting its call with a
     * {@code traceparent} header, the outer Forge reaching the inner one as a legacy SSE upstream.
     */
    @Test
    void aLegacySseClientsTraceCrossesALegacySseUpstream() throws Exception {
        String traceId = "5cf92f3577b34da6a3ce929d0e0e4737";
        String clientSpan = "10f067aa0ba902b8";
        HttpResponse<java.util.stream.Stream<String>> stream = RawMcp.HTTP.send(HttpRequest.newBuilder(
                URI.create(TestGateways.baseUrl(outer) + "/sse")).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try {
                stream.body().forEach(lines::add);
            } catch (java.io.UncheckedIOException e) {
                // the stream ends with the gateway
            }
        });
        String endpoint = null;
        while (endpoint == null) {
            String line = lines.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(line).as("the endpoint event").isNotNull();
            if (line.startsWith("data:") && line.contains("session_id")) {
                endpoint = line.substring(5).trim();
            }
        }
        String post = TestGateways.baseUrl(outer) + endpoint;
        for (String body : List.of(RawMcp.initializeBody("{}"), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":\"sse-1\",\"method\":\"tools/call\",\"params\":{\"name\":"
                        + "\"inner-sse__everything__echo\",\"arguments\":{\"message\":\"over sse\"}}}")) {
            HttpResponse<String> accepted = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(post)).header("Content-Type", "application/json")
                    .header("traceparent", "00-" + traceId + "-" + clientSpan + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(body).isBetween(200, 202);
        }
        String answered = null;
        while (answered == null) {
            String line = lines.poll(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(line).as("the call's answer on the client's stream").isNotNull();
            if (line.startsWith("data:") && line.contains("\"sse-1\"")) {
                answered = line;
            }
        }
        assertThat(answered).contains("Echo: over sse");

        List<Received> spans = trace(traceId, 4);
        Received outerServer = one(spans, "forge-outer", "SERVER", "tools/call inner-sse__everything__echo");
        Received outerCall = one(spans, "forge-outer", "CLIENT", "tools/call inner-sse");
        Received innerServer = one(spans, "forge-inner", "SERVER", "tools/call everything__echo");
        assertThat(outerServer.parentId()).as("the SSE client's traceparent header is the parent").isEqualTo(clientSpan);
        assertThat(outerCall.parentId()).isEqualTo(outerServer.spanId());
        assertThat(outerCall.attributes()).containsEntry("forge.upstream.transport", "sse");
        assertThat(innerServer.parentId()).as("the inner Forge continues the call it got over legacy SSE").isEqualTo(outerCall.spanId());
    }

    @Test
    void aLegacyClientsMetaTraceIsContinuedAndAFailedCallSaysSo() throws Exception {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        String clientSpan = "b7ad6b7169203331";
        RawMcp.Session session = RawMcp.Session.open(TestGateways.baseUrl(outer) + "/mcp");
        try (LogCapture log = LogCapture.capture()) {
            HttpResponse<String> answer = session.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"inner__nothing\",\"arguments\":{},\"_meta\":{\"traceparent\":\"00-" + traceId + "-" + clientSpan + "-01\"}}}");
            JsonNode error = Json.parse(answer.body().lines().filter(l -> l.startsWith("data:") || l.startsWith("{"))
                    .reduce((a, b) -> b).orElseThrow().replaceFirst("^data:", "").trim()).path("error");
            assertThat(error.path("code").asInt()).as(answer.body()).isEqualTo(-32602);
            Received server = one(trace(traceId, 1), "forge-outer", "SERVER", "tools/call inner__nothing");
            assertThat(server.parentId()).isEqualTo(clientSpan);
            assertThat(server.attributes()).containsEntry("forge.outcome", "error").containsEntry("rpc.jsonrpc.error_code", "-32602");
            assertThat(log.messages("\"trace_id\":\"" + traceId + "\"")).as("the call's audit line names its trace").isNotEmpty();
        } finally {
            session.delete();
        }
    }
}
