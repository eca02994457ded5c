package dev.forge.session;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code subscriptions/listen} streams of modern-era clients (MCP 2026-07-28 on), each a session kept by no
 * store: the list-change and resource-update notifiers tell them what they tell the stored sessions.
 */
public final class Subscribers {

    private final Set<ClientSession> open = ConcurrentHashMap.newKeySet();

    public void add(ClientSession session) {
        open.add(session);
    }

    public void remove(ClientSession session) {
        open.remove(session);
    }

    public Collection<ClientSession> all() {
        return Collections.unmodifiableSet(open);
    }
}
