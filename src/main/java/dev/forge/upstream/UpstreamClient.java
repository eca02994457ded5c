package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON-RPC over one upstream connection. Every outgoing request gets an id of ours, so requests from many clients
 * never collide on the wire; the answer is matched back by that id.
 */
final class UpstreamClient implements UpstreamTransport.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamClient.class);

    private final String name;
    private final UpstreamTransport transport;
    private final Consumer<Message.Notification> notifications;
    private final Consumer<String> closedHandler;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, CompletableFuture<ObjectNode>> pending = new ConcurrentHashMap<>();
    private volatile String closedReason;

    UpstreamClient(String name, UpstreamTransport transport, Consumer<Message.Notification> notifications,
                   Consumer<String> closedHandler) {
        this.name = name;
        this.transport = transport;
        this.notifications = notifications;
        this.closedHandler = closedHandler;
    }

    UpstreamTransport transport() {
        return transport;
    }

    /**
     * Sends a request (its id is replaced by ours, in place) and completes with the upstream's response message.
     * Fails with {@link UpstreamException} if the connection breaks and with a timeout after {@code timeout}.
     */
    CompletableFuture<ObjectNode> call(ObjectNode request, Duration timeout) {
        String reason = closedReason;
        if (reason != null) {
            return CompletableFuture.failedFuture(new UpstreamException(name + " is unavailable: " + reason));
        }
        long id = ids.incrementAndGet();
        request.put("id", id);
        CompletableFuture<ObjectNode> response = new CompletableFuture<>();
        pending.put(id, response);
        response.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
            if (pending.remove(id) != null && failure instanceof TimeoutException) {
                cancel(id, "timed out after " + timeout.toMillis() + " ms");
            }
        });
        try {
            transport.send(request);
        } catch (UpstreamException e) {
            response.completeExceptionally(e);
        } catch (RuntimeException e) {
            response.completeExceptionally(new UpstreamException(name + ": " + e.getMessage(), e));
        }
        return response;
    }

    CompletableFuture<ObjectNode> call(String method, ObjectNode params, Duration timeout) {
        return call(Message.request(Json.mapper().nullNode(), method, params).node(), timeout);
    }

    void notify(String method, ObjectNode params) {
        transport.send(Message.notification(method, params).node());
    }

    private void cancel(long id, String reason) {
        ObjectNode params = Json.object();
        params.put("requestId", id);
        params.put("reason", reason);
        try {
            notify("notifications/cancelled", params);
        } catch (RuntimeException e) {
            LOG.debug("upstream {}: could not send cancellation: {}", name, e.getMessage());
        }
    }

    @Override
    public void onMessage(ObjectNode message) {
        JsonNode method = message.get("method");
        if (method == null) {
            JsonNode id = message.get("id");
            CompletableFuture<ObjectNode> waiting = id != null && id.canConvertToLong() ? pending.remove(id.asLong()) : null;
            if (waiting != null) {
                waiting.complete(message);
            } else {
                LOG.debug("upstream {}: response to unknown id {}", name, id);
            }
            return;
        }
        if (message.has("id")) {
            answerServerRequest(message, method.asString());
        } else {
            notifications.accept(new Message.Notification(message));
        }
    }

    /** Requests the upstream sends us. Routing sampling, elicitation and roots to the client comes later. */
    private void answerServerRequest(ObjectNode request, String method) {
        Message.Response reply = "ping".equals(method)
                ? Message.result(request.get("id"), Json.object())
                : Message.error(request.get("id"), new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND,
                        "Method not found: " + method + " (the gateway does not forward it yet)"));
        Thread.ofVirtual().start(() -> {
            try {
                transport.send(reply.node());
            } catch (RuntimeException e) {
                LOG.debug("upstream {}: could not answer {}: {}", name, method, e.getMessage());
            }
        });
    }

    @Override
    public void onClosed(String reason) {
        if (closedReason != null) {
            return;
        }
        closedReason = reason;
        UpstreamException failure = new UpstreamException(name + " is unavailable: " + reason);
        pending.values().forEach(f -> f.completeExceptionally(failure));
        pending.clear();
        closedHandler.accept(reason);
    }

    void close() {
        transport.close();
        onClosed("closed");
    }
}
