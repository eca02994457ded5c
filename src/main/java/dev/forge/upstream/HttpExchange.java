package dev.forge.upstream;

import dev.forge.protocol.SseParser;
import dev.forge.protocol.WireMessages;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP plumbing both HTTP transports share: one request whose body is handed on as it arrives — each SSE event
 * the moment it is complete, a JSON body once whole — on the HTTP client's own threads. Nothing waits for a
 * response; a caller that gives up aborts the request.
 */
final class HttpExchange {

    private static final int MAX_ERROR_BODY = 2048;

    /** What one exchange reports, in order, on the HTTP client's threads; none of it may block. */
    interface Receiver {
        /** The status and headers arrived (whatever the status). */
        default void headers(Response response) {}

        /**
         * One SSE event, or a whole JSON body as an event of type {@code message} without an id. The bytes are
         * valid during the call only.
         */
        void event(String type, String lastEventId, byte[] data, int length);

        /** The exchange is over: {@code failure} is null when a 2xx body ended normally. Called exactly once. */
        void ended(UpstreamException failure);
    }

    /** For an exchange whose outcome nobody needs (ending a session). */
    static final Receiver IGNORED = new Receiver() {
        @Override
        public void event(String type, String lastEventId, byte[] data, int length) {}

        @Override
        public void ended(UpstreamException failure) {}
    };

    private final String upstream;
    private final HttpClient http;
    /** The upstream's configured headers, made into fields once: no name lookups per request. */
    private final List<HttpField> headers;
    private final int maxMessageBytes;

    /** @param maxMessageBytes the largest JSON body or SSE event read; a larger one fails its exchange */
    HttpExchange(String upstream, HttpClient http, Map<String, String> headers, int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.upstream = upstream;
        this.http = http;
        this.headers = headers.entrySet().stream().map(e -> new HttpField(e.getKey(), e.getValue())).toList();
    }

    /**
     * Starts one exchange and returns at once; abort the returned request to give up on it.
     * @param timeout bounds the whole exchange, or null for a stream meant to stay open
     */
    Request start(HttpMethod method, URI uri, List<HttpField> extra, byte[] json, Duration timeout, Receiver receiver) {
        Request request = http.newRequest(uri).method(method).headers(h -> {
            for (HttpField field : headers) {
                h.put(field);
            }
            for (HttpField field : extra) {
                h.put(field);
            }
        });
        if (json != null) {
            request.body(new BytesRequestContent("application/json", json));
        }
        if (timeout != null) {
            request.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        request.send(new Body(uri, receiver));
        return request;
    }

    /** Parses one JSON-RPC message (or a batch of them) from bytes and hands each object on. */
    void deliver(byte[] data, int length, Consumer<ObjectNode> consumer) {
        JsonNode node;
        try {
            node = WireMessages.read(data, 0, length);
        } catch (RuntimeException e) {
            throw new UpstreamException(upstream, UpstreamException.Kind.PROTOCOL_ERROR,
                    "answered with something that is not JSON-RPC: " + e.getMessage(), e);
        }
        if (node instanceof ObjectNode object) {
            consumer.accept(object);
        } else if (node != null && node.isArray()) {
            node.forEach(n -> {
                if (n instanceof ObjectNode o) consumer.accept(o);
            });
        }
    }

    static boolean isEventStream(Response response) {
        String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    /** Reads one response as it comes: SSE events through the parser, JSON and error bodies into a bounded buffer. */
    private final class Body implements Response.Listener {
        private final URI uri;
        private final Receiver receiver;
        private int status;
        private SseParser events;
        private byte[] buffer;
        private int length;

        Body(URI uri, Receiver receiver) {
            this.uri = uri;
            this.receiver = receiver;
        }

        @Override
        public void onHeaders(Response response) {
            status = response.getStatus();
            receiver.headers(response);
            if (status >= 200 && status < 300 && isEventStream(response)) {
                events = new SseParser(maxMessageBytes);
            } else {
                long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
                buffer = new byte[(int) Math.max(0, Math.min(declared > 0 ? declared : 1024, limit()))];
            }
        }

        private int limit() {
            return status >= 200 && status < 300 ? maxMessageBytes : MAX_ERROR_BODY;
        }

        @Override
        public void onContent(Response response, ByteBuffer chunk) {
            if (events != null) {
                try {
                    events.feed(chunk, receiver::event);
                } catch (SseParser.TooLarge e) {
                    throw tooLarge();
                }
                return;
            }
            int room = limit() - length;
            int taken = Math.min(room, chunk.remaining());
            if (taken < chunk.remaining() && limit() == maxMessageBytes) {
                throw tooLarge(); // aborts the exchange: Jetty hands the exception to onComplete
            }
            if (length + taken > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(limit(), Math.max(length + taken, buffer.length * 2)));
            }
            chunk.get(buffer, length, taken);
            length += taken;
        }

        private UpstreamException tooLarge() {
            return new UpstreamException(upstream, UpstreamException.Kind.PROTOCOL_ERROR, "answer too large: over "
                    + maxMessageBytes + " bytes (expected: at most " + maxMessageBytes + "; MAX_UPSTREAM_MESSAGE_BYTES)");
        }

        @Override
        public void onComplete(Result result) {
            UpstreamException failure;
            if (result.isFailed()) {
                failure = failureOf(result.getFailure());
            } else if (status < 200 || status >= 300) {
                String body = buffer == null ? "" : new String(buffer, 0, length, StandardCharsets.UTF_8).strip();
                failure = new UpstreamException(upstream, UpstreamException.Kind.HTTP_STATUS,
                        "HTTP " + status + " from " + uri + (body.isEmpty() ? "" : ": " + body), null, status,
                        body.toLowerCase(java.util.Locale.ROOT).contains("session"));
            } else {
                failure = null;
                if (events == null && length > 0) {
                    try {
                        receiver.event("message", null, buffer, length);
                    } catch (UpstreamException e) {
                        failure = e;
                    } catch (RuntimeException e) { // whatever broke while taking it, the exchange still ends
                        failure = new UpstreamException(upstream, UpstreamException.Kind.PROTOCOL_ERROR,
                                "its answer could not be taken: " + e.getMessage(), e);
                    }
                }
            }
            receiver.ended(failure);
        }

        private UpstreamException failureOf(Throwable cause) {
            if (cause instanceof UpstreamException u) {
                return u;
            }
            if (cause instanceof TimeoutException) {
                return new UpstreamException(upstream, UpstreamException.Kind.TIMED_OUT, "no complete answer from " + uri + " in time", cause);
            }
            String why = rootMessage(cause);
            return status == 0
                    ? new UpstreamException(upstream, UpstreamException.Kind.UNREACHABLE, "cannot reach " + uri + ": " + why, cause)
                    : new UpstreamException(upstream, UpstreamException.Kind.UNREACHABLE, "response stream broke: " + why, cause);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** True if an event's data is only whitespace (nothing to parse). */
    static boolean blank(byte[] data, int length) {
        for (int i = 0; i < length; i++) {
            if (data[i] > ' ') {
                return false;
            }
        }
        return true;
    }
}
