package dev.forge.dispatch;

import dev.forge.catalog.Federation;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/**
 * The entry of the MCP pipeline that the transports call: resolves a {@code tools/call}'s route once, in the
 * session's endpoint, and hands it to the stages behind. Other methods pass through with {@link ToolRoute#NONE}.
 */
public final class Routing implements McpHandler {

    private final Federation federation;
    private final RoutedHandler next;

    public Routing(Federation federation, RoutedHandler next) {
        this.federation = federation;
        this.next = next;
    }

    @Override
    public CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request) {
        ToolRoute tool = "tools/call".equals(request.method())
                ? ToolRoute.resolve(federation.catalog(), session.scope(), request.params().path("name").asString(null),
                        federation.separator())
                : ToolRoute.NONE;
        return next.handle(session, inFlight, request, tool);
    }
}
