package dev.forge.upstream;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A legacy-era Streamable HTTP server's optional GET stream, for what it sends on its own: opened again with a
 * growing pause when it ends, resumed after the last event id it gave; never by a server that has none (404, 405,
 * not SSE) or will not let us (401, 403, 406).
 */
final class GetStream implements ServerStream {

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final HttpField ACCEPT = new HttpField(HttpHeader.ACCEPT, "text/event-stream");
    private static final long FIRST_RECONNECT_MS = 500;
    private static final long LONGEST_RECONNECT_MS = 30_000;

    private final String name;
    private final URI url;
    private final HttpClient http;
    private final HttpExchange exchange;
    private final SessionHeaders session;
    private final UpstreamTransport.Listener listener;
    private volatile Request open;
    private volatile String lastEventId;
    private volatile long reconnectMs = FIRST_RECONNECT_MS;
    private volatile boolean closed;

    GetStream(String name, URI url, HttpClient http, HttpExchange exchange, SessionHeaders session, UpstreamTransport.Listener listener) {
        this.name = name;
        this.url = url;
        this.http = http;
        this.exchange = exchange;
        this.session = session;
        this.listener = listener;
    }

    @Override
    public void open() {
        if (closed) {
            return;
        }
        String resumeAfter = lastEventId;
        List<HttpField> extra = session.with(ACCEPT, resumeAfter == null ? null : new HttpField("Last-Event-ID", resumeAfter));
        Request stream = exchange.start(HttpMethod.GET, url, extra, null, null, new HttpExchange.Receiver() {
            private boolean none;

            @Override
            public void headers(Response response) {
                int status = response.getStatus();
                none = status == 404 || status == 405 || status == 401 || status == 403 || status == 406
                        || (status < 300 && !HttpExchange.isEventStream(response));
            }

            @Override
            public void event(String type, String eventId, byte[] data, int length) {
                reconnectMs = FIRST_RECONNECT_MS; // it delivers: a later break is news, not a server that closes at once
                if (eventId != null) {
                    lastEventId = eventId;
                }
                if ("message".equals(type) && !HttpExchange.blank(data, length)) {
                    exchange.deliver(data, length, listener::onMessage);
                }
            }

            @Override
            public void ended(UpstreamException failure) {
                if (closed || none) {
                    return;
                }
                LOG.debug("upstream {}: GET stream ended{}", name, failure == null ? "" : ": " + failure.getMessage());
                long wait = reconnectMs;
                reconnectMs = Math.min(LONGEST_RECONNECT_MS, wait * 2);
                http.getScheduler().schedule(GetStream.this::open, wait, TimeUnit.MILLISECONDS);
            }
        });
        open = stream;
        if (closed) {
            stream.abort(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "closed")); // closed meanwhile
        }
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
