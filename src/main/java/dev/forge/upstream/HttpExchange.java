package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.SseEvent;
import dev.forge.protocol.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The HTTP plumbing both HTTP transports share: one request, its status, and its body read as JSON or SSE. */
final class HttpExchange {

    private static final int MAX_ERROR_BODY = 2048;

    private final String upstream;
    private final HttpClient http;
    private final Map<String, String> headers;
    private final int maxMessageBytes;

    /** @param maxMessageBytes the largest JSON body read; a larger answer fails its call */
    HttpExchange(String upstream, HttpClient http, Map<String, String> headers, int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.upstream = upstream;
        this.http = http;
        this.headers = headers;
    }

    /** An open response: status, headers, and the body stream the caller must close. */
    record Opened(Response response, InputStream body, Request request) implements AutoCloseable {
        int status() {
            return response.getStatus();
        }

        String header(String name) {
            return response.getHeaders().get(name);
        }

        boolean isEventStream() {
            String type = header(HttpHeader.CONTENT_TYPE.asString());
            return type != null && type.toLowerCase().startsWith("text/event-stream");
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // nothing more to read
            }
        }

        void abort() {
            request.abort(new IOException("closed"));
        }
    }

    Opened open(HttpMethod method, URI uri, Map<String, String> extra, byte[] json, Duration headersTimeout) {
        Request request = http.newRequest(uri).method(method).headers(h -> {
            headers.forEach(h::put);
            extra.forEach(h::put);
        });
        if (json != null) {
            request.body(new BytesRequestContent("application/json", json));
        }
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        try {
            Response response = listener.get(headersTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Opened(response, listener.getInputStream(), request);
        } catch (TimeoutException e) {
            request.abort(e);
            throw new UpstreamException(upstream, UpstreamException.Kind.TIMED_OUT, "no response from " + uri + " within " + headersTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new UpstreamException(upstream, UpstreamException.Kind.UNREACHABLE, "cannot reach " + uri + ": " + rootMessage(e), e.getCause());
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new UpstreamException(upstream, UpstreamException.Kind.UNREACHABLE, "interrupted", e);
        }
    }

    /** Throws a clear error unless the status is 2xx; the body is read (bounded) into the message. */
    void expectSuccess(Opened opened, URI uri) {
        int status = opened.status();
        if (status >= 200 && status < 300) {
            return;
        }
        String body;
        try (opened) {
            byte[] bytes = opened.body().readNBytes(MAX_ERROR_BODY);
            body = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            body = "";
        }
        throw new UpstreamException(upstream, UpstreamException.Kind.HTTP_STATUS, "HTTP " + status + " from " + uri + (body.isEmpty() ? "" : ": " + body), null, status);
    }

    /** Delivers every JSON-RPC message in a JSON or SSE body to the consumer; returns when the body ends. */
    void readMessages(Opened opened, Consumer<ObjectNode> consumer) {
        try (opened) {
            if (opened.isEventStream()) {
                SseReader reader = new SseReader(opened.body());
                SseEvent event;
                while ((event = reader.next()) != null) {
                    if ("message".equals(event.type()) && !event.data().isBlank()) {
                        deliver(Json.parse(event.data()), consumer);
                    }
                }
            } else {
                byte[] bytes = opened.body().readNBytes(maxMessageBytes + 1);
                if (bytes.length > maxMessageBytes) {
                    throw new UpstreamException(upstream, UpstreamException.Kind.PROTOCOL_ERROR, "answer too large: over "
                            + maxMessageBytes + " bytes (expected: at most " + maxMessageBytes + "; MAX_UPSTREAM_MESSAGE_BYTES)");
                }
                if (bytes.length > 0) {
                    deliver(Json.parse(bytes), consumer);
                }
            }
        } catch (IOException e) {
            throw new UpstreamException(upstream, UpstreamException.Kind.UNREACHABLE, "response stream broke: " + e.getMessage(), e);
        } catch (dev.forge.protocol.JsonRpcException e) { // what Json.parse says of a body that is not JSON
            throw new UpstreamException(upstream, UpstreamException.Kind.PROTOCOL_ERROR,
                    "answered with something that is not JSON-RPC: " + e.getMessage(), e);
        }
    }

    private static void deliver(JsonNode node, Consumer<ObjectNode> consumer) {
        if (node instanceof ObjectNode object) {
            consumer.accept(object);
        } else if (node.isArray()) {
            node.forEach(n -> {
                if (n instanceof ObjectNode o) consumer.accept(o);
            });
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
