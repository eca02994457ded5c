package dev.forge.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Streamable HTTP client side: every message is a POST whose answer comes back as JSON or an SSE stream,
 * plus one GET stream for what the server sends on its own.
 */
final class StreamableHttpTransport implements UpstreamTransport {

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpTransport.class);
    private static final String SESSION_HEADER = "Mcp-Session-Id";

    private final String name;
    private final URI url;
    private final HttpExchange exchange;
    private final Duration timeout;
    private volatile Listener listener;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile HttpExchange.Opened getStream;
    private volatile boolean closed;

    StreamableHttpTransport(String name, URI url, HttpClient http, Map<String, String> headers, Duration timeout) {
        this(name, url, http, headers, timeout, dev.forge.config.UpstreamLimits.DEFAULTS.maxMessageBytes());
    }

    StreamableHttpTransport(String name, URI url, HttpClient http, Map<String, String> headers, Duration timeout, int maxMessageBytes) {
        this.name = name;
        this.url = url;
        this.exchange = new HttpExchange(name, http, headers, maxMessageBytes);
        this.timeout = timeout;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void send(ObjectNode message) {
        Map<String, String> extra = sessionHeaders();
        extra.put("Accept", "application/json, text/event-stream");
        HttpExchange.Opened opened = exchange.open(HttpMethod.POST, url, extra, dev.forge.protocol.Json.bytes(message), timeout);
        String sid = opened.header(SESSION_HEADER);
        if (sid != null && !sid.isEmpty()) {
            sessionId = sid;
        }
        try {
            exchange.expectSuccess(opened, url);
        } catch (UpstreamException e) {
            if (forgotSession(e, message)) {
                throw new UpstreamException(name, UpstreamException.Kind.HTTP_STATUS, "the upstream forgot our session (" + e.getMessage() + ")", e, 404);
            }
            throw e;
        }
        if (opened.status() == 202) {
            opened.close();
            return;
        }
        exchange.readMessages(opened, listener::onMessage);
    }

    /**
     * The spec says 404 for an unknown session; some servers (server-everything among them) answer 400 naming the
     * session instead. Either, for a session we had, means the server restarted and a new one is needed.
     */
    private boolean forgotSession(UpstreamException e, ObjectNode message) {
        if (sessionId == null || "initialize".equals(message.path("method").asString(""))) {
            return false;
        }
        return e.httpStatus() == 404
                || (e.httpStatus() == 400 && e.getMessage() != null && e.getMessage().toLowerCase().contains("session"));
    }

    @Override
    public void initialized(String version) {
        this.protocolVersion = version;
        Thread.ofVirtual().name("http-get-" + name).start(this::listenForServerMessages);
    }

    /** The optional GET stream; a server that answers 405 simply has none. */
    private void listenForServerMessages() {
        Duration backoff = Duration.ofMillis(500);
        while (!closed) {
            try {
                Map<String, String> extra = sessionHeaders();
                extra.put("Accept", "text/event-stream");
                HttpExchange.Opened opened = exchange.open(HttpMethod.GET, url, extra, null, timeout);
                if (opened.status() == 405 || opened.status() == 404 || !opened.isEventStream()) {
                    opened.close();
                    return;
                }
                getStream = opened;
                backoff = Duration.ofMillis(500);
                exchange.readMessages(opened, listener::onMessage);
            } catch (UpstreamException e) {
                if (closed) {
                    return;
                }
                LOG.debug("upstream {}: GET stream ended: {}", name, e.getMessage());
            }
            if (closed) {
                return;
            }
            try {
                Thread.sleep(backoff); // reconnect pacing, not a test wait
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
        }
    }

    private Map<String, String> sessionHeaders() {
        Map<String, String> extra = new HashMap<>(4);
        if (sessionId != null) {
            extra.put(SESSION_HEADER, sessionId);
        }
        if (protocolVersion != null) {
            extra.put("MCP-Protocol-Version", protocolVersion);
        }
        return extra;
    }

    @Override
    public String kind() {
        return "streamable-http";
    }

    @Override
    public void close() {
        closed = true;
        HttpExchange.Opened stream = getStream;
        if (stream != null) {
            stream.abort();
        }
        if (sessionId != null) {
            try {
                exchange.open(HttpMethod.DELETE, url, sessionHeaders(), null, Duration.ofSeconds(2)).close();
            } catch (UpstreamException e) {
                LOG.debug("upstream {}: session DELETE failed: {}", name, e.getMessage());
            }
        }
        Listener l = listener;
        if (l != null) {
            l.onClosed("closed");
        }
    }
}
