package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.Message;
import dev.forge.protocol.RawResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON-RPC over one upstream connection. Every outgoing request gets an id of ours, so requests from many clients
 * never collide on the wire; the answer is matched back by that id. What the upstream sends on its own (requests
 * and notifications) goes to the {@link Inbox}.
 */
final class UpstreamClient implements UpstreamTransport.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamClient.class);

    /** Receives the upstream's own requests and notifications. */
    interface Inbox {
        /** @param related the client whose call's stream carried it, when the transport knows (else null) */
        void request(ObjectNode request, UpstreamClient from, Caller related);

        void notification(Message.Notification notification, UpstreamClient from, Caller related);
    }

    private final String name;
    private final UpstreamTransport transport;
    private final Inbox inbox;
    private final Consumer<String> closedHandler;
    private final Caller owner;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, PendingCall> pending = new ConcurrentHashMap<>();
    /**
     * The clients of the latest calls answered on a response stream of their own (Streamable HTTP), for what the
     * upstream still sends on such a stream after the answer; bounded, the oldest forgotten first.
     */
    private final Map<Long, Caller> answeredOnStreams = java.util.Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Caller> eldest) {
            return size() > 64;
        }
    });
    private volatile String closedReason;
    /** Requests of the upstream's that a client is answering, by the upstream's id: how to withdraw each. */
    private final ConcurrentHashMap<String, Runnable> askedOnOurBehalf = new ConcurrentHashMap<>();

    /** @param owner the one client this connection serves, or null for a connection shared by all */
    UpstreamClient(String name, UpstreamTransport transport, Inbox inbox, Consumer<String> closedHandler, Caller owner) {
        this.name = name;
        this.transport = transport;
        this.inbox = inbox;
        this.closedHandler = closedHandler;
        this.owner = owner;
    }

    UpstreamTransport transport() {
        return transport;
    }

    Caller owner() {
        return owner;
    }

    boolean isClosed() {
        return closedReason != null;
    }

    /**
     * Sends a request (its id is replaced by ours, in place) and completes with the upstream's response message.
     * Fails with {@link UpstreamException} if the connection breaks and with a timeout after {@code timeout}.
     * {@code asIs}: the answer is only passed on, so its result may stay the bytes it came as ({@link RawResult}).
     */
    PendingCall call(ObjectNode request, Duration timeout, Caller caller, boolean asIs) {
        String reason = closedReason;
        if (reason != null) {
            return PendingCall.failed(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "unavailable: " + reason));
        }
        long id = nextId();
        request.put("id", id);
        PendingCall response = new PendingCall(this, id, caller, asIs, System.nanoTime() + timeout.toNanos());
        pending.put(id, response);
        boolean cancellable = !"initialize".equals(request.path("method").asString("")); // the spec: initialize never is
        response.onTimeout(() -> {
            if (pending.remove(id) != null) {
                if (cancellable) {
                    sendCancelled(id, "timed out after " + timeout.toMillis() + " ms");
                }
                response.abandon();
            }
        });
        CallDeadlines.watch(response);
        response.whenComplete((ok, failure) -> {
            CallDeadlines.forget(response);
            pending.remove(id);
        });
        if (closedReason != null) { // closed while we registered: fail now, not at the timeout
            String why = closedReason;
            response.completeExceptionally(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "unavailable: " + why, null,
                    "session expired".equals(why) ? 404 : 0));
            return response;
        }
        try {
            response.sending(transport.send(request));
        } catch (UpstreamException e) {
            if (e.sessionExpired()) {
                onClosed("session expired"); // first, so whoever retries finds this connection already replaced
            }
            response.completeExceptionally(e);
        } catch (RuntimeException e) {
            response.completeExceptionally(new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, String.valueOf(e.getMessage()), e));
        }
        return response;
    }

    /**
     * Our next request id. To a modern (sessionless) upstream, from a random start: it sees the requests of every
     * replica and every connection of ours side by side, and a cancel names one by its id alone (ids stay below 2^53,
     * exact as JSON numbers in every client). A legacy session's ids count from 1, as small as any server expects.
     */
    private long nextId() {
        long current = ids.get();
        if (current < FIRST_MODERN_ID && transport.modern()) {
            ids.compareAndSet(current, java.util.concurrent.ThreadLocalRandom.current().nextLong(FIRST_MODERN_ID, 1L << 52));
        }
        return ids.incrementAndGet();
    }

    private static final long FIRST_MODERN_ID = 1L << 32;

    PendingCall call(String method, ObjectNode params, Duration timeout) {
        return call(Message.request(Json.mapper().nullNode(), method, params).node(), timeout, null, false);
    }

    void notify(String method, ObjectNode params) {
        transport.send(Message.notification(method, params).node());
    }

    /** Sends a message as it is (answers to the upstream's own requests). */
    void send(ObjectNode message) {
        try {
            transport.send(message);
        } catch (RuntimeException e) {
            LOG.debug("upstream {}: could not send: {}", name, e.getMessage());
        }
    }

    /** Remembers how to withdraw a request of the upstream's while a client answers it. */
    void asking(JsonNode upstreamId, Runnable withdraw) {
        askedOnOurBehalf.put(upstreamId.toString(), withdraw);
    }

    void answered(JsonNode upstreamId) {
        askedOnOurBehalf.remove(upstreamId.toString());
    }

    /** The upstream withdrew one of its requests ({@code notifications/cancelled}); true if a client was asked it. */
    boolean withdrawn(JsonNode upstreamId) {
        Runnable withdraw = upstreamId == null ? null : askedOnOurBehalf.remove(upstreamId.toString());
        if (withdraw != null) {
            withdraw.run();
        }
        return withdraw != null;
    }

    boolean forget(long id) {
        return pending.remove(id) != null;
    }

    void sendCancelled(long id, String reason) {
        ObjectNode params = Json.object();
        params.put("requestId", id);
        params.put("reason", reason);
        try {
            notify("notifications/cancelled", params);
        } catch (RuntimeException e) {
            LOG.debug("upstream {}: could not send cancellation: {}", name, e.getMessage());
        }
    }

    /**
     * The client on whose behalf something the upstream sent on its own most likely is: the client of the latest
     * call still waiting here (exact when only one is, and then it travels on that call's stream), else this
     * connection's owner, else null.
     */
    Caller attributedCaller() {
        PendingCall latest = null;
        for (PendingCall call : pending.values()) {
            if (call.caller() != null && (latest == null || call.id() > latest.id())) {
                latest = call;
            }
        }
        return latest == null ? owner : latest.caller();
    }

    @Override
    public void onMessage(ObjectNode message) {
        onMessage(message, null);
    }

    /**
     * A message from the upstream; {@code relatedTo} is our id of the request on whose response stream it came (Streamable
     * HTTP says what travels there belongs to that request), which names its client exactly.
     */
    @Override
    public void onMessage(ObjectNode message, JsonNode relatedTo) {
        JsonNode method = message.get("method");
        if (method == null) {
            JsonNode id = message.get("id");
            PendingCall waiting = id != null && id.canConvertToLong() ? pending.remove(id.asLong()) : null;
            if (waiting != null) {
                if (relatedTo != null && waiting.caller() != null) { // its stream may carry more: keep whose it was
                    answeredOnStreams.put(waiting.id(), waiting.caller());
                }
                if (!waiting.asIs()) {
                    RawResult.materialize(message); // the gateway reads this result: a tree, as everywhere else
                }
                waiting.complete(message);
            } else {
                LOG.debug("upstream {}: response to unknown id {}", name, id);
            }
            return;
        }
        Caller related = null;
        if (relatedTo != null && relatedTo.canConvertToLong()) {
            PendingCall origin = pending.get(relatedTo.asLong());
            related = origin != null ? origin.caller() : answeredOnStreams.get(relatedTo.asLong());
        }
        if (message.has("id")) {
            inbox.request(message, this, related);
        } else {
            inbox.notification(new Message.Notification(message), this, related);
        }
    }

    /**
     * Without a readable id the oldest call waiting is failed: exact when one call is in flight (the usual case for
     * a large answer), and otherwise the likeliest, since servers mostly answer in order; the alternative, failing
     * none, leaves the caller waiting for its timeout and then told the upstream did not answer.
     */
    @Override
    public void onFailed(JsonNode failedId, UpstreamException failure) {
        long id = failedId != null && failedId.canConvertToLong() ? failedId.asLong() : AnswerId.NONE;
        PendingCall waiting = id != AnswerId.NONE ? pending.remove(id) : null;
        if (waiting == null && failedId == null) {
            Long oldest = pending.keySet().stream().min(Long::compare).orElse(null);
            waiting = oldest == null ? null : pending.remove(oldest);
        }
        if (waiting != null) {
            waiting.completeExceptionally(failure);
        }
        LOG.warn("{} ({})", failure.getMessage(), waiting == null ? "no call waiting for it" : "call " + waiting.id() + " failed");
    }

    @Override
    public void onClosed(String reason) {
        if (closedReason != null) {
            return;
        }
        closedReason = reason;
        closedHandler.accept(reason); // first: a caller that retries on failure must find this connection replaced
        UpstreamException failure = new UpstreamException(name, UpstreamException.Kind.UNREACHABLE, "unavailable: " + reason, null,
                "session expired".equals(reason) ? 404 : 0);
        for (Long waiting : pending.keySet()) { // one by one: a call added meanwhile is failed too, not dropped
            PendingCall call = pending.remove(waiting);
            if (call != null) {
                call.completeExceptionally(failure);
            }
        }
    }

    void close() {
        transport.close();
        onClosed("closed");
    }
}
