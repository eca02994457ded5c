package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Bodies that are not what their headers say: shorter than their Content-Length, over the size limit, chunked past
 * it. Each is the client's error (4xx, never a 500), answered in the shape of the surface it was sent to: a JSON-RPC
 * error on MCP paths, {@code {"error", "message"}} on the admin API.
 */
class HostileBodiesTest {

    static Gateway gateway;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())));
        port = gateway.port();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static void assertJsonRpcError(RawHttp.Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.headers().get("content-type")).startsWith("application/json");
        JsonNode body = Json.parse(reply.body());
        assertThat(body.path("jsonrpc").asString()).as(reply.body()).isEqualTo("2.0");
        assertThat(body.at("/error/code").isInt()).isTrue();
        assertThat(body.at("/error/message").asString()).isNotBlank();
    }

    static void assertApiError(RawHttp.Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.headers().get("content-type")).startsWith("application/json");
        JsonNode body = Json.parse(reply.body());
        assertThat(body.path("error").isString()).as(reply.body()).isTrue();
        assertThat(body.get("message").asString()).isNotBlank();
    }

    /** The message URL of a legacy SSE session, read from the first event of its stream (which stays open). */
    static String legacyMessagePath() throws Exception {
        HttpResponse<Stream<String>> stream = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(gateway) + "/sse"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
        return stream.body().filter(line -> line.startsWith("data: ")).findFirst().orElseThrow().substring(6);
    }

    @Test
    void aBodyShorterThanItsContentLengthIsA400JsonRpcErrorOnEveryMcpPath() throws Exception {
        for (String path : List.of("/mcp", "/gateways/everything/mcp", "/rpc", legacyMessagePath())) {
            RawHttp.Reply reply = RawHttp.truncatedPost(port, path, 100, "{\"jsonrpc\"");
            assertJsonRpcError(reply, 400);
            assertThat(Json.parse(reply.body()).at("/error/message").asString()).as(path)
                    .contains("body ended").contains("Content-Length 100");
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthIsA400ApiErrorOnTheAdminApi() throws Exception {
        for (String path : List.of("/servers", "/tokens", "/gateways")) {
            RawHttp.Reply reply = RawHttp.truncatedPost(port, path, 100, "{\"name\":\"x");
            assertApiError(reply, 400);
            assertThat(Json.parse(reply.body()).get("message").asString()).as(path)
                    .contains("body ended").contains("Content-Length 100");
        }
    }

    static String head(String method, String path, String... headers) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream");
        for (String header : headers) {
            head.append("\r\n").append(header);
        }
        return head.toString();
    }

    @Test
    void aChunkedBodyThatEndsBeforeItsLastChunkIsA400JsonRpcError() throws Exception {
        byte[] partial = RawHttp.chunked("{\"jsonrpc\":\"2.0\",".getBytes(), false);
        RawHttp.Reply reply = RawHttp.exchange(port, head("POST", "/mcp", "Transfer-Encoding: chunked"), partial, true);
        assertJsonRpcError(reply, 400);
    }

    @Test
    void aBodyAnnouncedOverTheLimitIsA413InTheShapeOfItsSurface() throws Exception {
        String announced = "Content-Length: " + (9 * 1024 * 1024);
        RawHttp.Reply mcp = RawHttp.exchange(port, head("POST", "/mcp", announced, "Connection: close"), new byte[0], true);
        assertJsonRpcError(mcp, 413);
        assertThat(Json.parse(mcp.body()).at("/error/message").asString()).contains("Payload Too Large").contains("8 MiB");

        RawHttp.Reply api = RawHttp.exchange(port, head("POST", "/servers", announced, "Connection: close"), new byte[0], true);
        assertApiError(api, 413);
        assertThat(Json.parse(api.body()).get("error").asString()).isEqualTo("too_large");
    }

    @Test
    void aChunkedBodyPastTheLimitIsA413JsonRpcErrorNotPlainText() throws Exception {
        byte[] big = new byte[8 * 1024 * 1024 + 4096];
        java.util.Arrays.fill(big, (byte) ' ');
        RawHttp.Reply reply = RawHttp.exchange(port, head("POST", "/mcp", "Transfer-Encoding: chunked"),
                RawHttp.chunked(big, true), false);
        assertJsonRpcError(reply, 413);
        assertThat(Json.parse(reply.body()).at("/error/message").asString()).contains("Payload Too Large");
    }

    @Test
    void putPatchAndOptionsOnAnMcpEndpointAre405WithAllowAndAJsonRpcError() throws Exception {
        for (String method : List.of("PUT", "PATCH", "OPTIONS")) {
            for (String path : List.of("/mcp", "/gateways/everything/mcp")) {
                RawHttp.Reply reply = RawHttp.exchange(port, head(method, path, "Content-Length: 2", "Connection: close"),
                        "{}".getBytes(), false);
                assertJsonRpcError(reply, 405);
                assertThat(reply.headers().get("allow")).as(method + " " + path).isEqualTo("GET, POST, DELETE");
                assertThat(Json.parse(reply.body()).at("/error/message").asString()).contains(method + " " + path);
            }
        }
        RawHttp.Reply rpc = RawHttp.exchange(port, head("GET", "/rpc", "Connection: close"), new byte[0], false);
        assertJsonRpcError(rpc, 405);
        assertThat(rpc.headers().get("allow")).isEqualTo("POST");
    }

    @Test
    void aBodyThatIsNotJsonIsA400OnTheAdminApiAndAValueOutOfRangeA422() throws Exception {
        for (String path : List.of("/servers", "/gateways", "/tokens")) {
            RawHttp.Reply malformed = RawHttp.exchange(port, head("POST", path, "Content-Length: 9", "Connection: close"),
                    "{\"name\":,}".getBytes(), false);
            assertApiError(malformed, 400);
            assertThat(Json.parse(malformed.body()).get("error").asString()).as(path).isEqualTo("bad_request");
        }
        String badName = "{\"name\":\"Not A Name!\"}";
        RawHttp.Reply outOfRange = RawHttp.exchange(port, head("POST", "/servers", "Content-Length: " + badName.length(),
                "Connection: close"), badName.getBytes(), false);
        assertApiError(outOfRange, 422);
    }

    @Test
    void headersOverTheLimitAreA431InTheShapeOfTheSurface() throws Exception {
        String padding = "X-Padding: " + "y".repeat(20 * 1024);
        RawHttp.Reply mcp = RawHttp.exchange(port, head("POST", "/mcp", padding, "Content-Length: 2", "Connection: close"),
                "{}".getBytes(), false);
        assertJsonRpcError(mcp, 431);
        assertThat(Json.parse(mcp.body()).at("/error/message").asString()).contains("limited to 16 KiB");

        RawHttp.Reply api = RawHttp.exchange(port, head("GET", "/servers", padding, "Connection: close"), new byte[0], false);
        assertApiError(api, 431);
    }
}
