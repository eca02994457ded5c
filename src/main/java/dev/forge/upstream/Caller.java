package dev.forge.upstream;

import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/**
 * The client on whose behalf an upstream call is made: where the upstream's progress, log messages and requests
 * (sampling, elicitation, roots) that belong to that call are sent.
 */
public interface Caller {

    /** The downstream session this call belongs to. */
    String sessionId();

    /** The capabilities the client declared in initialize (never null). */
    ObjectNode clientCapabilities();

    /** Delivers a message related to the call (progress, log) to the client that made it. */
    void relay(ObjectNode message);

    /** Sends a request to the client and completes with its whole response message. */
    CompletableFuture<ObjectNode> ask(String method, ObjectNode params);

    /** Withdraws a request made with {@link #ask}: the client is told with {@code notifications/cancelled}. */
    void withdraw(CompletableFuture<ObjectNode> asked, String reason);

    /** What to do if the client cancels the request this call serves. */
    void onCancel(Runnable action);

    /** The same client, not tied to this one request: for what an upstream session sends later on its own. */
    Caller sessionWide();
}
