package dev.forge.upstream;

import dev.forge.protocol.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
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
    private volatile Request stream;
    private volatile Listener listener;
    private volatile boolean closed;

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
        this.listener = listener;
        CompletableFuture<URI> endpointFound = new CompletableFuture<>();
        stream = exchange.start(HttpMethod.GET, url, List.of(new HttpField(HttpHeader.ACCEPT, "text/event-stream")), null, null, new HttpExchange.Receiver() {
            private boolean notAStream;

            @Override
            public void headers(Response response) {
                notAStream = response.getStatus() < 300 && !HttpExchange.isEventStream(response);
            }

            @Override
            public void event(String type, String lastEventId, byte[] data, int length) {
                if (notAStream) {
                    return;
                }
                if ("endpoint".equals(type)) {
                    endpointFound.complete(url.resolve(new String(data, 0, length, StandardCharsets.UTF_8).trim()));
                } else if ("message".equals(type) && length > 0) {
                    exchange.deliver(data, length, listener::onMessage);
                }
            }

            @Override
            public void ended(UpstreamException failure) {
                endpointFound.completeExceptionally(failure != null ? failure : notAStream
                        ? new UpstreamException(name, UpstreamException.Kind.PROTOCOL_ERROR, url + " did not answer with text/event-stream")
                        : new UpstreamException(name, UpstreamException.Kind.PROTOCOL_ERROR, "SSE stream ended before the endpoint event"));
                listener.onClosed(closed ? "closed" : failure == null ? "stream ended" : "stream broke: " + failure.getMessage());
            }
        });
        try { // connecting runs on a virtual thread of its own: waiting here holds no platform thread
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

    /** Posts the message; its answer comes back on the stream, so only a refusal is reported from here. */
    @Override
    public Sent send(ObjectNode message) {
        URI target = endpoint;
        if (target == null) {
            throw new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "not connected");
        }
        JsonNode id = message.get("id");
        JsonNode ours = message.has("method") ? id : null;
        Listener listener = this.listener;
        Request post = exchange.start(HttpMethod.POST, target, TraceHeader.with(message, List.of()), Json.bytes(message), timeout, new HttpExchange.Receiver() {
            @Override
            public void event(String type, String lastEventId, byte[] data, int length) {} // servers answer "Accepted"

            @Override
            public void ended(UpstreamException failure) {
                if (failure == null || closed || failure.getCause() instanceof Abandoned) {
                    return;
                }
                if (failure.sessionExpired()) {
                    listener.onClosed("session expired");
                } else if (ours != null) {
                    listener.onFailed(ours, failure);
                }
            }
        });
        return () -> post.abort(new Abandoned());
    }

    /** Why a POST was aborted by us: its outcome no longer matters. */
    private static final class Abandoned extends Exception {
        Abandoned() {
            super("abandoned", null, false, false);
        }
    }

    @Override
    public String kind() {
        return "sse";
    }

    @Override
    public void close() {
        closed = true;
        Request s = stream;
        if (s != null) {
            s.abort(new Abandoned());
        }
    }
}
