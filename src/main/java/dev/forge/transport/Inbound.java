package dev.forge.transport;

import dev.forge.dispatch.McpHandler;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/** What every downstream transport does with a message from a client, whatever carried it. */
final class Inbound {

    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    private final McpHandler handler;

    Inbound(McpHandler handler) {
        this.handler = handler;
    }

    /** A request gets a future response; notifications and responses are absorbed and give null. */
    CompletableFuture<ObjectNode> accept(ClientSession session, Message message) {
        return switch (message) {
            case Message.Request request -> handler.handle(session, request);
            case Message.Notification notification -> {
                if ("notifications/initialized".equals(notification.method())) {
                    session.markInitialized();
                } else {
                    LOG.debug("session {}: notification {}", session.id(), notification.method());
                }
                yield null;
            }
            case Message.Response response -> {
                LOG.debug("session {}: response to server request {} ignored", session.id(), response.id());
                yield null;
            }
        };
    }
}
