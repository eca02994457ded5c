package dev.forge.upstream;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream on which an HTTP upstream sends what it sends on its own, opened once connected and closed with it: a
 * legacy server's GET stream, or a modern server's {@code subscriptions/listen}. Opened again when it ends, after a
 * pause that grows while it keeps ending and starts over once it delivers; never when the server has none to give.
 *
 * @param <K> what kind of stream: how it is asked for and what its events are
 */
final class ServerStream<K extends ServerStream.Kind> {

    /** How one kind of stream is asked for, when there is none to have, and what becomes of its events. */
    sealed interface Kind permits GetStream, ListenStream {
        /** Starts the exchange that carries the stream. */
        Request start(HttpExchange.Receiver receiver);

        /** True when this answer means the server offers no such stream (or not to us): it is not asked again. */
        boolean none(Response response);

        /** One SSE event of the stream. */
        void event(String type, String eventId, byte[] data, int length);

        /** The stream ended (to be opened again, or not). */
        default void ended() {}

        /** For the log. */
        String label();
    }

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final long FIRST_RECONNECT_MS = 500;
    private static final long LONGEST_RECONNECT_MS = 30_000;

    private final String name;
    private final HttpClient http;
    private final K kind;
    private volatile Request open;
    private volatile long reconnectMs = FIRST_RECONNECT_MS;
    private volatile boolean closed;

    ServerStream(String name, HttpClient http, K kind) {
        this.name = name;
        this.http = http;
        this.kind = kind;
    }

    K kind() {
        return kind;
    }

    void open() {
        if (closed) {
            return;
        }
        Request stream = kind.start(new HttpExchange.Receiver() {
            private boolean none;

            @Override
            public void headers(Response response) {
                none = kind.none(response);
            }

            @Override
            public void event(String type, String eventId, byte[] data, int length) {
                reconnectMs = FIRST_RECONNECT_MS; // it delivers: a later break is news, not a server that closes at once
                kind.event(type, eventId, data, length);
            }

            @Override
            public void ended(UpstreamException failure) {
                kind.ended();
                if (closed || none) {
                    return;
                }
                LOG.debug("upstream {}: {} ended{}", name, kind.label(), failure == null ? "" : ": " + failure.getMessage());
                long wait = reconnectMs;
                reconnectMs = Math.min(LONGEST_RECONNECT_MS, wait * 2);
                http.getScheduler().schedule(ServerStream.this::open, wait, TimeUnit.MILLISECONDS);
            }
        });
        open = stream;
        if (closed) {
            stream.abort(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "closed")); // closed meanwhile
        }
    }

    void close() {
        closed = true;
        Request stream = open;
        if (stream != null) {
            stream.abort(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "closed"));
        }
    }
}
