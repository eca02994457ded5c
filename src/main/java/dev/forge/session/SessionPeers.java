package dev.forge.session;

import dev.forge.protocol.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The other replicas, as one session sees them. A session lives on every replica its client's requests reach; its
 * server-to-client stream is held by one of them. What a replica has for the client goes to the replica holding the
 * stream, a client's answer to the replica that asked, a cancellation to whichever replica runs the request. With one
 * process ({@link #NONE}) everything is local.
 */
public interface SessionPeers {

    SessionPeers NONE = new SessionPeers() {};

    /** Sends a message to the replica holding the session's stream; false if no other replica holds it. */
    default boolean deliverElsewhere(ClientSession session, ObjectNode message) {
        return false;
    }

    /** Passes a client's answer to the replica whose question it answers; false if its id names no other replica. */
    default boolean answerElsewhere(ClientSession session, Message.Response response) {
        return false;
    }

    /** A cancellation for a request this replica is not running: the one that runs it is told. */
    default void cancelElsewhere(ClientSession session, JsonNode requestId) {}

    /** What the session negotiated, or that it is initialized, so any replica that adopts it knows. */
    default void changed(ClientSession session) {}

    /** The session's stream opened here ({@code open}) or closed here. */
    default void stream(ClientSession session, boolean open) {}

    /** How this replica's questions to clients are named, so that an answer finds its way back here. */
    default String askPrefix() {
        return "forge-";
    }
}
