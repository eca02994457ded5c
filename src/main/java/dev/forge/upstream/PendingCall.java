package dev.forge.upstream;

import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import dev.forge.protocol.RawResult;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/** One request sent upstream and not yet answered: completes with the response message; can be cancelled. */
public final class PendingCall extends CompletableFuture<ObjectNode> {

    private final UpstreamClient connection;
    private final long id;
    private final Caller caller;
    private final boolean asIs;
    private volatile UpstreamTransport.Sent sent = UpstreamTransport.Sent.NONE;
    /** What the connection does when the call times out, before the caller hears of it (tell the upstream). */
    private volatile Runnable onTimeout = () -> {};

    private final long deadline;

    /** @param asIs the answer only passes on to the client: its result may stay raw bytes ({@link RawResult}) */
    PendingCall(UpstreamClient connection, long id, Caller caller, boolean asIs, long deadlineNanos) {
        this.connection = connection;
        this.id = id;
        this.caller = caller;
        this.asIs = asIs;
        this.deadline = deadlineNanos;
    }

    /** When it times out, on {@link System#nanoTime()}'s clock. */
    long deadline() {
        return deadline;
    }

    long id() {
        return id;
    }

    /** The client this call is for, or null for the gateway's own calls (initialize, list discovery). */
    Caller caller() {
        return caller;
    }

    /** Whether whoever waits for the answer passes it on without reading its result. */
    boolean asIs() {
        return asIs;
    }

    void sending(UpstreamTransport.Sent message) {
        sent = message;
        if (isDone() && isCompletedExceptionally()) {
            abandon(); // cancelled or timed out before the send returned
        }
    }

    void onTimeout(Runnable action) {
        onTimeout = action;
    }

    /**
     * The call's deadline passed: the upstream is told first ({@code notifications/cancelled}), then the caller gets
     * the timeout, so that what the caller does next never overtakes the cancel on the way upstream.
     */
    void timeOut() {
        if (!isDone()) {
            onTimeout.run();
            completeExceptionally(new java.util.concurrent.TimeoutException("timed out"));
        }
    }

    /** Gives up on the request's exchange (an HTTP upstream's response stream); the upstream is told separately. */
    void abandon() {
        sent.abort();
    }

    /** Stops waiting, tells the upstream with {@code notifications/cancelled}, and drops the call's stream. */
    public void cancelUpstream(String reason) {
        if (connection != null && connection.forget(id)) {
            connection.sendCancelled(id, reason);
            completeExceptionally(new JsonRpcException(JsonRpcError.REQUEST_CANCELLED, "Request cancelled: " + reason));
            abandon();
        }
    }

    static PendingCall failed(Throwable failure) {
        PendingCall call = new PendingCall(null, -1, null, false, 0);
        call.completeExceptionally(failure);
        return call;
    }
}
