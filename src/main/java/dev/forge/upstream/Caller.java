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

    /** True for a modern-era (MCP 2026-07-28) client's request: no session, so no per-client upstream session. */
    default boolean stateless() {
        return false;
    }

    /** The level of log messages the client asked for, or null (then a modern upstream sends none). */
    default String logLevel() {
        return null;
    }

    /** Delivers a message related to the call (progress, log) to the client that made it. */
    void relay(ObjectNode message);

    /** Sends a request to the client and completes with its whole response message. */
    CompletableFuture<ObjectNode> ask(String method, ObjectNode params);

    /** Several requests at once, which a modern client gets in one round; by default one after the other. */
    default java.util.List<CompletableFuture<ObjectNode>> askAll(java.util.List<java.util.Map.Entry<String, ObjectNode>> questions) {
        return questions.stream().map(q -> ask(q.getKey(), q.getValue())).toList();
    }

    /** Withdraws a request made with {@link #ask}: the client is told with {@code notifications/cancelled}. */
    void withdraw(CompletableFuture<ObjectNode> asked, String reason);

    /** What to do if the client cancels the request this call serves. */
    void onCancel(Runnable action);

    /** The same client, not tied to this one request: for what an upstream session sends later on its own. */
    Caller sessionWide();
}
