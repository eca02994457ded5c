package dev.forge.upstream;

import dev.forge.protocol.Json;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Streamable HTTP client side: every message is a POST whose answer comes back as JSON or as an SSE stream,
 * plus one GET stream for what the server sends on its own. Each message on either is dispatched as it arrives;
 * a POST stream that breaks before its answer is resumed with {@code Last-Event-ID} when the server gave event ids.
 */
final class StreamableHttpTransport implements UpstreamTransport {

    private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpTransport.class);
    private static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final HttpField ACCEPT_ANSWERS = new HttpField(HttpHeader.ACCEPT, "application/json, text/event-stream");
    private static final HttpField ACCEPT_STREAM = new HttpField(HttpHeader.ACCEPT, "text/event-stream");
    private static final int MAX_RESUMES = 3;
    private static final long LINGER_NANOS = 5_000_000_000L;

    private final String name;
    private final URI url;
    private final HttpClient http;
    private final HttpExchange exchange;
    private final Duration timeout;
    private final Set<PostStream> open = ConcurrentHashMap.newKeySet();
    private volatile Listener listener;
    private final SessionHeaders session = new SessionHeaders();
    private volatile boolean closed;
    private volatile ModernDress modern;
    private volatile ServerStream<?> serverStream;
    /** A modern upstream's listen streams, one per resource a client follows. */
    private final Map<String, ServerStream<ListenStream>> followed = new ConcurrentHashMap<>();

    StreamableHttpTransport(String name, URI url, HttpClient http, Map<String, String> headers, Duration timeout, int maxMessageBytes) {
        this.name = name;
        this.url = url;
        this.http = http;
        this.exchange = new HttpExchange(name, http, headers, maxMessageBytes);
        this.timeout = timeout;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public Sent send(ObjectNode message) {
        if (closed) {
            throw new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "not connected (closed)");
        }
        JsonNode id = message.get("id");
        boolean request = id != null && message.has("method");
        PostStream stream = new PostStream(request ? id : null, request && "initialize".equals(message.path("method").asString("")));
        List<HttpField> extra = session.with(ACCEPT_ANSWERS, null);
        ModernDress dress = modern;
        if (dress != null) { // no session: each message says who we are and what it is
            ObjectNode answered = dress.answeredHere(message);
            if (answered != null) {
                String uri = message.path("params").path("uri").asString("");
                switch (message.path("method").asString("")) {
                    case "resources/subscribe" -> {
                        var follows = new ServerStream<>(name, http, new ListenStream(url, exchange, dress, listener, uri));
                        var before = followed.putIfAbsent(uri, follows);
                        if (before == null) {
                            follows.open();
                        }
                        (before == null ? follows : before).kind().acknowledged().completeOnTimeout(null, timeout.toMillis(),
                                TimeUnit.MILLISECONDS).thenRun(() -> listener.onMessage(answered)); // once the server follows it
                    }
                    case "resources/unsubscribe" -> {
                        var follows = followed.remove(uri);
                        if (follows != null) {
                            follows.close();
                        }
                        listener.onMessage(answered);
                    }
                    default -> listener.onMessage(answered);
                }
                return () -> { };
            }
            message = dress.enveloped(message);
            extra = ModernDress.headers(message, extra);
        }
        open.add(stream);
        // a request's exchange lasts as long as its call, which aborts it; anything else must be taken in time
        stream.request = exchange.start(HttpMethod.POST, url, TraceHeader.with(message, extra), Json.bytes(message), request ? null : timeout, stream);
        if (closed) {
            stream.abort(); // closed while it left: nobody will read its answer
        }
        return stream::abort;
    }

    /**
     * One POST's response: its messages go to the listener as they come; it ends once the request is answered, and a
     * server that keeps it open after the answer has it closed after {@link #LINGER_NANOS}: it holds a connection.
     */
    private final class PostStream implements HttpExchange.Receiver, CallDeadlines.Lingering {
        private final JsonNode id;
        private final boolean initialize;
        private volatile Request request;
        private volatile boolean aborted;
        private boolean answered;
        private boolean resuming;
        private int status;
        private int resumes;
        private String lastEventId;
        private volatile long lingerUntil;

        PostStream(JsonNode id, boolean initialize) {
            this.id = id;
            this.initialize = initialize;
        }

        @Override
        public void headers(Response response) {
            status = response.getStatus();
            String sid = response.getHeaders().get(SessionHeaders.SESSION);
            if (sid != null && !sid.isEmpty() && !resuming) {
                session.session(sid);
            }
        }

        @Override
        public void event(String type, String eventId, byte[] data, int length) {
            if (eventId != null && !eventId.equals(lastEventId)) {
                lastEventId = eventId;
                resumes = 0; // the stream moves on: each break may be resumed afresh
            }
            if ("message".equals(type) && !HttpExchange.blank(data, length)) {
                exchange.deliver(data, length, this::dispatch);
            }
        }

        private void dispatch(ObjectNode message) {
            boolean answer = id != null && !message.has("method") && AnswerId.same(id, message.get("id"));
            listener.onMessage(message, id);
            if (answer && !answered) {
                answered = true;
                lingerUntil = System.nanoTime() + LINGER_NANOS;
                CallDeadlines.linger(this);
            }
        }

        @Override
        public long deadline() {
            return lingerUntil;
        }

        @Override
        public void endNow() {
            LOG.debug("upstream {}: a response stream still open {} s after its answer is closed", name, LINGER_NANOS / 1_000_000_000L);
            abort();
        }

        @Override
        public void ended(UpstreamException failure) {
            if (answered) {
                CallDeadlines.ended(this);
            }
            if (aborted || closed) {
                open.remove(this);
                return;
            }
            boolean broke = failure != null && failure.kind() == UpstreamException.Kind.UNREACHABLE && status >= 200 && status < 300;
            // 202 to a request: its answer may come on the GET stream — except while asking which era (no stream yet)
            if ((failure == null || broke) && !answered && id != null && (status != 202 || probing())) {
                if (lastEventId != null && resumes < MAX_RESUMES) {
                    resume();
                    return;
                }
                if (failure == null) {
                    failure = new UpstreamException(name, UpstreamException.Kind.UNREACHABLE,
                            "ended its response stream without answering" + (resuming ? " (after resuming it)" : ""));
                }
            }
            open.remove(this);
            if (failure == null) {
                return;
            }
            ObjectNode refusal = modern != null && id != null ? ModernDress.errorAnswer(failure, id) : null;
            if (refusal != null) { // a modern server says no with a 4xx status and a JSON-RPC error: that is its answer
                listener.onMessage(refusal, id);
                return;
            }
            if (!initialize && session.sessionId() != null && failure.forgotSession()) {
                listener.onClosed("session expired");
            } else if (id != null) {
                listener.onFailed(id, resuming ? new UpstreamException(name, failure.kind(),
                        "the response stream broke and could not be resumed: " + failure.getMessage(), failure, failure.httpStatus()) : failure);
            } else {
                LOG.debug("upstream {}: a message was not delivered: {}", name, failure.getMessage());
            }
        }

        /** The stream broke before the answer: ask for the rest of it after the last event seen. */
        private void resume() {
            resumes++;
            resuming = true;
            List<HttpField> extra = session.with(ACCEPT_STREAM, new HttpField(LAST_EVENT_ID, lastEventId));
            LOG.debug("upstream {}: resuming a response stream after event {}", name, lastEventId);
            request = exchange.start(HttpMethod.GET, url, extra, null, null, this);
            if (aborted || closed) {
                request.abort(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "abandoned"));
            }
        }

        void abort() {
            aborted = true;
            open.remove(this);
            CallDeadlines.ended(this);
            Request r = request;
            if (r != null) {
                r.abort(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "abandoned"));
            }
        }
    }

    @Override
    public void agreed(String version) {
        session.version(version);
    }

    @Override
    public void initialized(String version) {
        agreed(version);
        ModernDress dress = modern;
        ServerStream<?> stream = new ServerStream<>(name, http, dress == null ? new GetStream(url, exchange, session, listener)
                : new ListenStream(url, exchange, dress, listener, null));
        serverStream = stream;
        stream.open();
        if (closed) {
            stream.close();
        }
    }

    /** From now on every message is sent in the modern era's dress (null: the legacy era's, with a session). */
    void speak(ModernDress dress) {
        this.modern = dress;
        session.version(dress == null ? null : dress.version);
        if (dress == null && session.sessionId() != null) { // a legacy server made a session for the era probe: end it
            exchange.start(HttpMethod.DELETE, url, session.with(null, null), null, Duration.ofSeconds(2), HttpExchange.IGNORED);
            session.forget();
        }
    }

    /** True while the era is being asked ({@code server/discover} sent, no answer yet): nothing else is open. */
    private boolean probing() {
        return modern != null && serverStream == null;
    }

    @Override
    public boolean modern() {
        return modern != null;
    }

    @Override
    public String kind() {
        return "streamable-http";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ServerStream<?> stream = serverStream;
        if (stream != null) {
            stream.close();
        }
        followed.values().forEach(ServerStream::close);
        open.forEach(PostStream::abort);
        if (session.sessionId() != null) { // ends the server's session; nobody waits for its answer
            exchange.start(HttpMethod.DELETE, url, session.with(null, null), null, Duration.ofSeconds(2), HttpExchange.IGNORED);
        }
        Listener l = listener;
        if (l != null) {
            l.onClosed("closed");
        }
    }
}
