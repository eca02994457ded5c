package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.SseEvent;
import dev.forge.protocol.SseReader;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The legacy HTTP+SSE client side: one GET stream carries everything back; messages go out as POSTs to its endpoint. */
final class SseTransport implements UpstreamTransport {

    private final String name;
    private final URI url;
    private final HttpExchange exchange;
    private final Duration connectTimeout;
    private final Duration timeout;
    private volatile URI endpoint;
    private volatile HttpExchange.Opened stream;
    private volatile boolean closed;

    SseTransport(String name, URI url, HttpClient http, Map<String, String> headers, Duration connectTimeout, Duration timeout) {
        this(name, url, http, headers, connectTimeout, timeout, dev.forge.config.UpstreamLimits.DEFAULTS.maxMessageBytes());
    }

    SseTransport(String name, URI url, HttpClient http, Map<String, String> headers, Duration connectTimeout, Duration timeout,
                 int maxMessageBytes) {
        this.name = name;
        this.url = url;
        this.exchange = new HttpExchange(name, http, headers, maxMessageBytes);
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
    }

    @Override
    public void start(Listener listener) {
        HttpExchange.Opened opened = exchange.open(HttpMethod.GET, url, Map.of("Accept", "text/event-stream"), null, connectTimeout);
        exchange.expectSuccess(opened, url);
        if (!opened.isEventStream()) {
            opened.close();
            throw new UpstreamException(name, UpstreamException.Kind.PROTOCOL_ERROR, url + " did not answer with text/event-stream");
        }
        stream = opened;
        CompletableFuture<URI> endpointFound = new CompletableFuture<>();
        Thread.ofVirtual().name("sse-in-" + name).start(() -> {
            String reason = "stream ended";
            try (SseReader reader = new SseReader(opened.body())) {
                SseEvent event;
                while ((event = reader.next()) != null) {
                    if ("endpoint".equals(event.type())) {
                        endpointFound.complete(url.resolve(event.data().trim()));
                    } else if ("message".equals(event.type()) && !event.data().isBlank()) {
                        JsonNode node = Json.parse(event.data());
                        if (node instanceof ObjectNode object) {
                            listener.onMessage(object);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                reason = "stream broke: " + e.getMessage();
            }
            endpointFound.completeExceptionally(new UpstreamException(name, UpstreamException.Kind.PROTOCOL_ERROR, "SSE stream ended before the endpoint event"));
            listener.onClosed(closed ? "closed" : reason);
        });
        try {
            endpoint = endpointFound.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new UpstreamException(name, UpstreamException.Kind.TIMED_OUT, "no endpoint event on " + url + " within " + connectTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof UpstreamException u ? u
                    : new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "interrupted", e);
        }
    }

    @Override
    public void send(ObjectNode message) {
        URI target = endpoint;
        if (target == null) {
            throw new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "not connected");
        }
        HttpExchange.Opened opened = exchange.open(HttpMethod.POST, target, Map.of(), Json.bytes(message), timeout);
        exchange.expectSuccess(opened, target);
        opened.close();
    }

    @Override
    public String kind() {
        return "sse";
    }

    @Override
    public void close() {
        closed = true;
        HttpExchange.Opened s = stream;
        if (s != null) {
            s.abort();
        }
    }
}
