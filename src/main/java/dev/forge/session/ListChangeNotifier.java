package dev.forge.session;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.CatalogView;
import dev.forge.protocol.Message;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Tells each connected client when the lists its endpoint shows have changed, with the spec's
 * {@code notifications/*}{@code /list_changed}; clients whose view did not change hear nothing.
 */
public final class ListChangeNotifier implements Consumer<Catalog> {

    private final SessionStore sessions;
    private final Subscribers subscribers;
    private volatile Catalog previous;

    public ListChangeNotifier(SessionStore sessions, Subscribers subscribers, Catalog initial) {
        this.sessions = sessions;
        this.subscribers = subscribers;
        this.previous = initial;
    }

    @Override
    public synchronized void accept(Catalog next) {
        Catalog before = previous;
        previous = next;
        for (ClientSession session : java.util.stream.Stream.concat(sessions.all().stream(), subscribers.all().stream()).toList()) {
            if (!session.initialized()) {
                continue;
            }
            CatalogView old = before.view(session.scope());
            CatalogView now = next.view(session.scope());
            if (old == null || now == null) {
                continue;
            }
            notifyIfChanged(session, old, now, CatalogView::tools, "notifications/tools/list_changed");
            notifyIfChanged(session, old, now, CatalogView::prompts, "notifications/prompts/list_changed");
            if (!old.resources().equals(now.resources()) || !old.resourceTemplates().equals(now.resourceTemplates())) {
                session.sendHere(Message.notification("notifications/resources/list_changed", null).node());
            }
        }
    }

    private static void notifyIfChanged(ClientSession session, CatalogView old, CatalogView now,
                                        Function<CatalogView, Object> list, String method) {
        if (!Objects.equals(list.apply(old), list.apply(now))) {
            session.sendHere(Message.notification(method, null).node()); // every replica sees the change itself
        }
    }
}
