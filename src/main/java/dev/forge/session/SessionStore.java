package dev.forge.session;

import java.util.Collection;
import java.util.function.Consumer;

/** Where client sessions live; in memory for one replica, shared storage once replicas arrive. */
public interface SessionStore extends AutoCloseable {

    /** A new session for this endpoint and principal; {@link SessionLimitException} if the principal holds too many. */
    ClientSession create(String scope, dev.forge.auth.Principal principal);

    /**
     * A session for what a modern-era client (MCP 2026-07-28 on, which has no sessions) asks in one request or one
     * {@code subscriptions/listen} stream: never found by id, not counted against the principal's limit; end it with
     * {@link #release}, which tells the close listeners (an upstream session opened for it ends too).
     */
    ClientSession ephemeral(String scope, dev.forge.auth.Principal principal);

    /** Ends a session made by {@link #ephemeral}. */
    void release(ClientSession session);

    /** The session with this id, or null if it never existed, expired or was deleted. */
    ClientSession find(String id);

    /** Ends a session; true if it existed. */
    boolean remove(String id);

    Collection<ClientSession> all();

    /** The tag of the replica that began this session, when that is another replica; null when it is this one. */
    default String ownerReplica(ClientSession session) {
        return null;
    }

    /**
     * The tag this replica puts in the ids it makes for what only it can serve (a modern call's {@code requestState},
     * a task), so that whichever replica a later request lands on can send it here; null for a process on its own.
     */
    default String replicaTag() {
        return null;
    }

    /**
     * Where the replica with this tag serves the listener named ({@code gateway}, {@code service-manager},
     * {@code tool-router}): null when it is this one, or no running replica has the tag.
     */
    default java.net.URI replicaElsewhere(String tag, String listener) {
        return null;
    }

    /**
     * A modern client's cancel (no session) that matched no request here: the other replicas are told, and the one
     * running the request cancels it ({@link #onCancelAnnounced}).
     *
     * @param requestKey the request's endpoint, caller and id, as the replicas key the requests they run
     */
    default void announceCancel(String requestKey, tools.jackson.databind.JsonNode requestId) {}

    /** Hears the cancels other replicas announce. */
    default void onCancelAnnounced(java.util.function.BiConsumer<String, tools.jackson.databind.JsonNode> listener) {}

    /** True while the replica with this tag says where it is (it runs, or stopped without a word less than a minute ago). */
    default boolean registered(String tag) {
        return false;
    }

    /** Hears every session that ends (deleted, stream closed, or reaped idle), after it has ended. */
    void onClose(Consumer<ClientSession> listener);

    @Override
    void close();
}
