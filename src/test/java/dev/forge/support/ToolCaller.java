package dev.forge.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;

/**
 * One tool called on a Forge running as its own process, over Streamable HTTP with a bearer token: initialize,
 * initialized, then the call; the first text content of the result is what comes back.
 */
public final class ToolCaller {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ToolCaller() {}

    /** The text the tool answered with; the assertion names the tool and the answer when it is not a result. */
    public static String text(String endpoint, String tool, String token) throws Exception {
        HttpResponse<String> init = send(endpoint, null, token, """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}""");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        send(endpoint, session, token, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        HttpResponse<String> call = send(endpoint, session, token, """
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"%s","arguments":{}}}""".formatted(tool));
        JsonNode answer = Json.parse(sseData(call.body()));
        assertThat(answer.has("result")).as(tool + ": " + call.body()).isTrue();
        return answer.path("result").path("content").path(0).path("text").asString();
    }

    /** The HTTP status of a GET, or -1 while nothing answers (for waiting on a start). */
    public static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String sseData(String body) {
        if (!body.startsWith("event:") && !body.startsWith("data:") && !body.startsWith("id:")) {
            return body;
        }
        StringBuilder data = new StringBuilder();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
        return data.toString();
    }

    private static HttpResponse<String> send(String url, String session, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
