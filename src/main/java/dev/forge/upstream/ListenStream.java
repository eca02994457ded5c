package dev.forge.upstream;

import dev.forge.protocol.Json;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import tools.jackson.databind.node.ObjectNode;

/**
 * A modern-era upstream's {@code subscriptions/listen} stream: what the legacy era's GET stream was for — its list
 * changes, or the updates of one resource a client follows — as one long POST whose SSE events are handed to the
 * connection like any other message. None to have: any 4xx (none offered, not allowed, or a filter refused), or an
 * answer that is not SSE.
 */
final class ListenStream implements ServerStream.Kind {

    private static final HttpField ACCEPT = new HttpField(HttpHeader.ACCEPT, "application/json, text/event-stream");

    private final URI url;
    private final HttpExchange exchange;
    private final ModernDress dress;
    private final UpstreamTransport.Listener listener;
    /** The resource this stream follows, or null for the stream of list changes. */
    private final String resource;
    private final AtomicLong ids = new AtomicLong();
    /** Completes when the server has acknowledged the stream (what it follows is in force), or the stream ended. */
    private final CompletableFuture<Void> acknowledged = new CompletableFuture<>();

    /** @param resource the one resource this stream follows, or null for the upstream's list changes */
    ListenStream(URI url, HttpExchange exchange, ModernDress dress, UpstreamTransport.Listener listener, String resource) {
        this.url = url;
        this.exchange = exchange;
        this.dress = dress;
        this.listener = listener;
        this.resource = resource;
    }

    @Override
    public Request start(HttpExchange.Receiver receiver) {
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
        return exchange.start(HttpMethod.POST, url, headers, Json.bytes(dressed), null, receiver);
    }

    @Override
    public boolean none(Response response) {
        int status = response.getStatus();
        return (status >= 400 && status < 500) || (status < 300 && !HttpExchange.isEventStream(response));
    }

    @Override
    public void event(String type, String eventId, byte[] data, int length) {
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
    public void ended() {
        acknowledged.complete(null); // whoever waits for it waits no more: there is nothing better to wait for
    }

    /** Completes once the server has acknowledged the stream, or the stream ended. */
    CompletableFuture<Void> acknowledged() {
        return acknowledged;
    }

    @Override
    public String label() {
        return resource == null ? "listen stream" : "listen stream for " + resource;
    }
}
