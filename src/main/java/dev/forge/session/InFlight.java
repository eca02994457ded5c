package dev.forge.session;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client request the gateway is still answering. Messages related to it (progress, logs, requests to the client)
 * go to {@link #relay}; a transport that can stream them on the request's own response drains {@link #related()}.
 */
public final class InFlight {

    /** How many related messages wait for a slow client; past that the oldest gives way, as on the session's queue. */
    static final int MAX_RELATED = 1024;

    private final JsonNode clientId;
    private final Consumer<ObjectNode> fallback;
    private final BlockingQueue<ObjectNode> related;
    private volatile Runnable onCancel = () -> { };
    private volatile Runnable onRelated = () -> { };
    private boolean finished;

    /**
     * @param streamable true when the transport streams related messages on the response itself; otherwise they go
     *                   to {@code fallback} (the session's server-to-client stream)
     */
    InFlight(JsonNode clientId, boolean streamable, Consumer<ObjectNode> fallback) {
        this.clientId = clientId;
        this.fallback = fallback;
        this.related = streamable ? new LinkedBlockingQueue<>(MAX_RELATED) : null;
    }

    public JsonNode clientId() {
        return clientId;
    }

    public void relay(ObjectNode message) {
        boolean queued = false;
        synchronized (this) {
            if (related != null && !finished) {
                while (!related.offer(message)) {
                    related.poll(); // a slow client loses the oldest (progress, mostly), not the gateway its memory
                }
                queued = true;
            }
        }
        if (queued) {
            onRelated.run();
        } else {
            fallback.accept(message);
        }
    }

    /** Queues a message for this request's own stream if it is still open; false (and nothing done) if not. */
    public boolean relayHere(ObjectNode message) {
        synchronized (this) {
            if (related == null || finished) {
                return false;
            }
            while (!related.offer(message)) {
                related.poll();
            }
        }
        onRelated.run();
        return true;
    }

    /** What to do when a related message is queued for this request's own stream (start writing it). */
    public void onRelated(Runnable action) {
        this.onRelated = action;
    }

    /**
     * The response has been written: whatever is still queued, and whatever comes later, goes to the session's
     * stream instead.
     */
    public void finish() {
        synchronized (this) {
            finished = true;
        }
        if (related != null) {
            for (ObjectNode late; (late = related.poll()) != null; ) {
                fallback.accept(late);
            }
        }
    }

    /** Related messages waiting to be written on this request's stream, or null if they go elsewhere. */
    public BlockingQueue<ObjectNode> related() {
        return related;
    }

    /** What to do when the client cancels this request. */
    public void onCancel(Runnable action) {
        this.onCancel = action;
    }

    void cancel() {
        onCancel.run();
    }
}
