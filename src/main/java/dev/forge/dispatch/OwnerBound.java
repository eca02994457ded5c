package dev.forge.dispatch;

import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.catalog.Route;
import dev.forge.config.SessionMode;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.upstream.Upstream;
import java.util.function.BiPredicate;
import tools.jackson.databind.JsonNode;

/**
 * Whether a request must be served where its session began: it goes to an upstream in {@code per-client} mode, whose
 * upstream session for this client (a process of its own, state of its own) lives in that one replica. Served anywhere
 * else, it would open a second upstream session for the client there.
 */
public final class OwnerBound implements BiPredicate<ClientSession, Message.Request> {

    private final Federation federation;

    public OwnerBound(Federation federation) {
        this.federation = federation;
    }

    @Override
    public boolean test(ClientSession session, Message.Request request) {
        CatalogView view = federation.catalog().view(session.scope());
        if (view == null) {
            return false;
        }
        if ("logging/setLevel".equals(request.method())) { // told to every upstream of the endpoint
            return view.upstreams().stream().anyMatch(OwnerBound::perClient);
        }
        JsonNode ref = request.params().path("ref");
        Upstream target = switch (request.method()) {
            case "tools/call" -> upstream(view.tool(request.params().path("name").asString("")));
            case "prompts/get" -> upstream(view.prompt(request.params().path("name").asString("")));
            case "resources/read", "resources/subscribe", "resources/unsubscribe" ->
                    view.resourceOwner(request.params().path("uri").asString(""));
            case "completion/complete" -> "ref/prompt".equals(ref.path("type").asString(""))
                    ? upstream(view.prompt(ref.path("name").asString("")))
                    : view.resourceOwner(ref.path("uri").asString(""));
            default -> null;
        };
        return target != null && perClient(target);
    }

    private static boolean perClient(Upstream upstream) {
        return upstream.config().sessionMode() == SessionMode.PER_CLIENT;
    }

    private static Upstream upstream(Route route) {
        return route == null ? null : route.upstream();
    }
}
