package dev.forge.upstream;

import dev.forge.protocol.Json;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A modern-era upstream's {@code subscriptions/listen} stream: what the legacy era's GET stream was for — its list
 * changes, or the updates of one resource a client follows — as one long POST whose SSE events are handed to the
 * connection like any other message. Opened again,
 * with a growing pause, when it ends; never by a server that has none (404, 405) or will not let us (401, 403).
 */
final class ListenStream implements ServerStream {

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final long FIRST_RECONNECT_MS = 500;
    private static final long LONGEST_RECONNECT_MS = 30_000;
    private static final HttpField ACCEPT = new HttpField(HttpHeader.ACCEPT, "application/json, text/event-stream");

    private final String name;
    private final URI url;
    private final HttpClient http;
    private final HttpExchange exchange;
    private final ModernDress dress;
    private final UpstreamTransport.Listener listener;
    /** The resource this stream follows, or null for the stream of list changes. */
    private final String resource;
    private final AtomicLong ids = new AtomicLong();
    private volatile Request open;
    private volatile long reconnectMs = FIRST_RECONNECT_MS;
    private volatile boolean closed;
    /** Completes when the stream open now has been acknowledged by the server (what it follows is in force). */
    private final CompletableFuture<Void> acknowledged = new CompletableFuture<>();

    /** @param resource the one resource this stream follows, or null for the upstream's list changes */
    ListenStream(String name, URI url, HttpClient http, HttpExchange exchange, ModernDress dress, UpstreamTransport.Listener listener,
                 String resource) {
        this.resource = resource;
        this.name = name;
        this.url = url;
        this.http = http;
        this.exchange = exchange;
        this.dress = dress;
        this.listener = listener;
    }

    @Override
    public void open() {
        if (closed) {
            return;
        }
        ObjectNode params = Json.object();
        ObjectNode wanted = params.putObject("notifications");
        if (resource == null) {
            wanted.put("toolsListChanged", true);
            wanted.put("promptsListChanged", true);
            wanted.put("resourcesListChanged", true);
        } else {
            wanted.putArray("resourceSubscriptions").add(resource);
        }
        ObjectNode request = Json.object();
        request.put("jsonrpc", "2.0");
        request.put("id", "forge-listen-" + ids.incrementAndGet());
        request.put("method", "subscriptions/listen");
        request.set("params", params);
        ObjectNode dressed = dress.enveloped(request);
        List<HttpField> headers = ModernDress.headers(dressed, List.of(ACCEPT, new HttpField("MCP-Protocol-Version", dress.version)));
        Request stream = exchange.start(HttpMethod.POST, url, headers, Json.bytes(dressed), null, new HttpExchange.Receiver() {
            private boolean none;

            @Override
            public void headers(Response response) {
                int status = response.getStatus();
                // no stream to have (4xx: none offered, not allowed, or a filter refused), or not SSE
                none = (status >= 400 && status < 500) || (status < 300 && !HttpExchange.isEventStream(response));
            }

            @Override
            public void event(String type, String eventId, byte[] data, int length) {
                reconnectMs = FIRST_RECONNECT_MS;
                if ("message".equals(type) && !HttpExchange.blank(data, length)) {
                    exchange.deliver(data, length, message -> {
                        if ("notifications/subscriptions/acknowledged".equals(message.path("method").asString(""))) {
                            acknowledged.complete(null);
                        } else if (message.has("method")) { // list changes, resource updates; the final answer is ours only
                            listener.onMessage(message);
                        }
                    });
                }
            }

            @Override
            public void ended(UpstreamException failure) {
                acknowledged.complete(null); // whoever waits for it waits no more: there is nothing better to wait for
                if (closed || none) {
                    return;
                }
                LOG.debug("upstream {}: listen stream ended{}", name, failure == null ? "" : ": " + failure.getMessage());
                long wait = reconnectMs;
                reconnectMs = Math.min(LONGEST_RECONNECT_MS, wait * 2);
                http.getScheduler().schedule(ListenStream.this::open, wait, TimeUnit.MILLISECONDS);
            }
        });
        open = stream;
        if (closed) {
            stream.abort(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "closed"));
        }
    }

    /** Completes once the server has acknowledged the stream (what it follows is in force), or the stream ended. */
    CompletableFuture<Void> acknowledged() {
        return acknowledged;
    }

    @Override
    public void close() {
        closed = true;
        Request stream = open;
        if (stream != null) {
            stream.abort(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "closed"));
        }
    }
}
