package dev.forge.upstream;

import java.net.URI;
import java.util.List;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * A legacy-era Streamable HTTP server's optional GET stream, for what it sends on its own; resumed after the last
 * event id it gave. None to have: 404, 405 or not SSE (none offered), 401, 403, 406 (not for us).
 */
final class GetStream implements ServerStream.Kind {

    private static final HttpField ACCEPT = new HttpField(HttpHeader.ACCEPT, "text/event-stream");

    private final URI url;
    private final HttpExchange exchange;
    private final SessionHeaders session;
    private final UpstreamTransport.Listener listener;
    private volatile String lastEventId;

    GetStream(URI url, HttpExchange exchange, SessionHeaders session, UpstreamTransport.Listener listener) {
        this.url = url;
        this.exchange = exchange;
        this.session = session;
        this.listener = listener;
    }

    @Override
    public Request start(HttpExchange.Receiver receiver) {
        String resumeAfter = lastEventId;
        List<HttpField> extra = session.with(ACCEPT, resumeAfter == null ? null : new HttpField("Last-Event-ID", resumeAfter));
        return exchange.start(HttpMethod.GET, url, extra, null, null, receiver);
    }

    @Override
    public boolean none(Response response) {
        int status = response.getStatus();
        return status == 404 || status == 405 || status == 401 || status == 403 || status == 406
                || (status < 300 && !HttpExchange.isEventStream(response));
    }

    @Override
    public void event(String type, String eventId, byte[] data, int length) {
        if (eventId != null) {
            lastEventId = eventId;
        }
        if ("message".equals(type) && !HttpExchange.blank(data, length)) {
            exchange.deliver(data, length, listener::onMessage);
        }
    }

    @Override
    public String label() {
        return "GET stream";
    }
}
