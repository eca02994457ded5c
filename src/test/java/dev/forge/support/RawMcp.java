package dev.forge.support;

import dev.forge.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/** MCP over plain HTTP, no SDK in between: for tests that need to see or send exactly what is on the wire. */
public final class RawMcp {

    public static final HttpClient HTTP = HttpClient.newHttpClient();

    private RawMcp() {}

    /** A POST of one JSON body to an MCP endpoint, with the session header when {@code session} is not null. */
    public static HttpRequest post(String url, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }

    public static String initializeBody(String capabilities) {
        return """
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":%s,"clientInfo":{"name":"raw","version":"1"}}}"""
                .formatted(capabilities);
    }

    /** A session opened with initialize (and notifications/initialized) on one endpoint. */
    public record Session(String url, String id) {

        public static Session open(String url) throws Exception {
            return open(url, "{}");
        }

        public static Session open(String url, String capabilities) throws Exception {
            HttpResponse<String> init = HTTP.send(post(url, null, initializeBody(capabilities)), HttpResponse.BodyHandlers.ofString());
            String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow(
                    () -> new IllegalStateException("initialize failed: " + init.statusCode() + " " + init.body()));
            HTTP.send(post(url, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), HttpResponse.BodyHandlers.discarding());
            return new Session(url, id);
        }

        public HttpResponse<String> send(String body) throws Exception {
            return HTTP.send(post(url, id, body), HttpResponse.BodyHandlers.ofString());
        }

        public CompletableFuture<HttpResponse<String>> sendAsync(String body) {
            return HTTP.sendAsync(post(url, id, body), HttpResponse.BodyHandlers.ofString());
        }

        /** tools/call of a tool whose one argument is {@code message}, answered as parsed JSON. */
        public CompletableFuture<JsonNode> call(String tool, String message) {
            String body = """
                    {"jsonrpc":"2.0","id":"%s","method":"tools/call","params":{"name":"%s","arguments":{"message":"%s"}}}"""
                    .formatted(tool + "-" + System.nanoTime(), tool, message);
            return sendAsync(body).thenApply(r -> Json.parse(r.body()));
        }

        public void delete() throws Exception {
            HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Mcp-Session-Id", id).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }
}
