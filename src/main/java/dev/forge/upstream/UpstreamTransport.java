package dev.forge.upstream;

import tools.jackson.databind.node.ObjectNode;

/** Moves JSON-RPC messages to and from one upstream server; knows nothing of ids or methods. */
sealed interface UpstreamTransport extends AutoCloseable permits StdioTransport, StreamableHttpTransport, SseTransport,
        InProcessTransport {

    /** Receives what the upstream sends, and hears once when the connection is gone for good. */
    interface Listener {
        void onMessage(ObjectNode message);

        void onClosed(String reason);

        /**
         * An answer arrived that could not be taken (too large): fail the call it answers, by our id, or
         * {@code AnswerId.NONE} when the id could not be read.
         */
        default void onUnreadable(long id, UpstreamException failure) {}
    }

    /** Connects (spawns, opens streams). Messages arrive on the listener from then on. */
    void start(Listener listener);

    /** Sends one message; blocks the (virtual) calling thread until the upstream has taken it. */
    void send(ObjectNode message);

    /** Called once initialize has been answered, with the revision the upstream agreed to. */
    default void initialized(String protocolVersion) {}

    /** Human-readable kind for health output. */
    String kind();

    @Override
    void close();
}
