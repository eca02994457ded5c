package dev.forge.session;

import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/** Passes an upstream's {@code notifications/resources/updated} to exactly the clients subscribed to that URI. */
public final class ResourceUpdateNotifier implements Consumer<ObjectNode> {

    private final SessionStore sessions;
    private final Subscribers subscribers;

    public ResourceUpdateNotifier(SessionStore sessions, Subscribers subscribers) {
        this.sessions = sessions;
        this.subscribers = subscribers;
    }

    @Override
    public void accept(ObjectNode notification) {
        if (!"notifications/resources/updated".equals(notification.path("method").asString(""))) {
            return;
        }
        String uri = notification.path("params").path("uri").asString(null);
        if (uri == null) {
            return;
        }
        for (ClientSession session : sessions.all()) {
            if (session.subscriptions().contains(uri)) {
                session.send(notification.deepCopy());
            }
        }
        for (ClientSession session : subscribers.all()) {
            if (session.subscriptions().contains(uri)) {
                session.sendHere(notification.deepCopy()); // a listen stream is this replica's own
            }
        }
    }
}
