package dev.forge.session;

import java.util.Collection;

/** Where client sessions live; in memory for one replica, shared storage once replicas arrive. */
public interface SessionStore extends AutoCloseable {

    ClientSession create(String scope);

    /** The session with this id, or null if it never existed, expired or was deleted. */
    ClientSession find(String id);

    /** Ends a session; true if it existed. */
    boolean remove(String id);

    Collection<ClientSession> all();

    @Override
    void close();
}
