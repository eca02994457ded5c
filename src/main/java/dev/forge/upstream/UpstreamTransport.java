package dev.forge.upstream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves JSON-RPC messages to and from one upstream server. Sending never waits for what a message causes: every
 * message the upstream sends (an answer, a notification, a request of its own) reaches the listener the moment it
 * arrives, whichever stream it travels on.
 */
sealed interface UpstreamTransport extends AutoCloseable permits StdioTransport, StreamableHttpTransport, SseTransport,
        InProcessTransport {

    /** Receives what the upstream sends, and hears once when the connection is gone for good. */
    interface Listener {
        void onMessage(ObjectNode message);

        /** A message that came on the response stream of one of our requests ({@code relatedTo}: that request's id). */
        default void onMessage(ObjectNode message, JsonNode relatedTo) {
            onMessage(message);
        }

        void onClosed(String reason);

        /**
         * A request could not be delivered, or its answer could not be taken (too large, not JSON, the stream ended
         * without it): fail the call with that id, or (id null) the call that most likely waits for it.
         */
        default void onFailed(JsonNode id, UpstreamException failure) {}
    }

    /** A message on its way: {@link #abort} gives up on it and on whatever it still streams back. */
    @FunctionalInterface
    interface Sent {
        Sent NONE = () -> {};

        void abort();
    }

    /** Connects (spawns, opens streams). Messages arrive on the listener from then on. */
    void start(Listener listener);

    /**
     * Sends one message and returns without waiting for an answer. Throws {@link UpstreamException} only when the
     * message cannot leave at all; later failures reach {@link Listener#onFailed}.
     */
    Sent send(ObjectNode message);

    /** Called once initialize has been answered, before anything else is sent: the revision the upstream agreed to. */
    default void agreed(String protocolVersion) {}

    /** Called once the handshake is over ({@code notifications/initialized} sent), with the agreed revision. */
    default void initialized(String protocolVersion) {}

    /** Human-readable kind for health output. */
    String kind();

    /** True when the upstream speaks the modern era (MCP 2026-07-28 on): no session, an envelope on every request. */
    default boolean modern() {
        return false;
    }

    @Override
    void close();
}
