package dev.forge.dispatch;

import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/**
 * A stage after routing: the dispatcher and the decorators around it (audit, metrics). Each reads the route that
 * {@link Routing} resolved and never looks the tool up again.
 */
public interface RoutedHandler {

    /**
     * Completes with the whole response message (result or error) carrying the client's own id. {@code tool}: the
     * route of a {@code tools/call}, {@link ToolRoute#NONE} for any other method.
     */
    CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request, ToolRoute tool);
}
