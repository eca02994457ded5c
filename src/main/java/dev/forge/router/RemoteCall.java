package dev.forge.router;

import dev.forge.config.RemoteModel;
import dev.forge.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** One JSON POST to a model endpoint, bounded in time; a failure names the endpoint and never its key. */
final class RemoteCall {

    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final int MAX_ERROR_TEXT = 200;

    private final RemoteModel endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT).build();

    /** The endpoint as logs and the registry see it: without user info or query, where credentials can hide. */
    private final String shown;

    RemoteCall(RemoteModel endpoint) {
        this.endpoint = endpoint;
        URI u = endpoint.url();
        this.shown = u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getPath() == null ? "" : u.getPath());
    }

    JsonNode post(ObjectNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.url()).timeout(ANSWER)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        if (endpoint.key() != null && !endpoint.key().isBlank()) {
            request.header("Authorization", "Bearer " + endpoint.key());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(shown + " could not be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(shown + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            String text = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).strip();
            throw new IllegalStateException(shown + " answered HTTP " + response.statusCode()
                    + (text.isEmpty() ? "" : ": " + text.substring(0, Math.min(text.length(), MAX_ERROR_TEXT))));
        }
        try {
            return Json.parse(response.body());
        } catch (RuntimeException e) {
            throw new IllegalStateException(shown + " answered with something that is not JSON", e);
        }
    }

    String model() {
        return endpoint.model();
    }

    String where() {
        return shown;
    }
}
