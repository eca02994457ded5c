package dev.forge.upstream;

import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/** One request sent upstream and not yet answered: completes with the response message; can be cancelled. */
public final class PendingCall extends CompletableFuture<ObjectNode> {

    private final UpstreamClient connection;
    private final long id;
    private final Caller caller;

    PendingCall(UpstreamClient connection, long id, Caller caller) {
        this.connection = connection;
        this.id = id;
        this.caller = caller;
    }

    long id() {
        return id;
    }

    /** The client this call is for, or null for the gateway's own calls (initialize, list discovery). */
    Caller caller() {
        return caller;
    }

    /** Stops waiting, and tells the upstream with {@code notifications/cancelled}. */
    public void cancelUpstream(String reason) {
        if (connection.forget(id)) {
            connection.sendCancelled(id, reason);
            completeExceptionally(new JsonRpcException(JsonRpcError.REQUEST_CANCELLED, "Request cancelled: " + reason));
        }
    }

    static PendingCall failed(Throwable failure) {
        PendingCall call = new PendingCall(null, -1, null);
        call.completeExceptionally(failure);
        return call;
    }
}
