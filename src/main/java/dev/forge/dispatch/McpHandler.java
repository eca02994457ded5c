package dev.forge.dispatch;

import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/** Answers one client request within a session. Cross-cutting concerns wrap it as decorators. */
public interface McpHandler {

    /** Completes with the whole response message (result or error) carrying the client's own id. */
    CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request);
}
