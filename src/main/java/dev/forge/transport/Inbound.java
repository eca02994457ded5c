package dev.forge.transport;

import dev.forge.dispatch.Failures;
import dev.forge.dispatch.McpHandler;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/** What every downstream transport does with a message from a client, whatever carried it. */
final class Inbound {

    private static final Logger LOG = LoggerFactory.getLogger(Inbound.class);

    /** A request being answered: the response to come, and where messages related to it go meanwhile. */
    record Answer(InFlight inFlight, CompletableFuture<ObjectNode> response) {}

    private final McpHandler handler;

    /**
     * How long a transport waits for a request's answer at most: the upstream's own timeout answers first, so this
     * only bounds an answer that never comes.
     */
    static Duration answerDeadline(Duration requestTimeout) {
        return requestTimeout.plusSeconds(5);
    }

    Inbound(McpHandler handler) {
        this.handler = handler;
    }

    /**
     * A request gets an {@link Answer}; notifications and the client's answers to our requests are absorbed and
     * give null. {@code streamable}: the transport can stream related messages ahead of this request's response.
     */
    Answer accept(ClientSession session, Message message, boolean streamable) {
        return switch (message) {
            case Message.Request request -> {
                InFlight inFlight = session.begin(request.id(), streamable);
                CompletableFuture<ObjectNode> response;
                try {
                    response = handler.handle(session, inFlight, request);
                } catch (RuntimeException e) { // a handler that throws still answers this request, and ends it
                    response = CompletableFuture.completedFuture(Message.error(request.id(), Failures.toError(e)).node());
                }
                response.whenComplete((ok, failure) -> session.end(inFlight));
                yield new Answer(inFlight, response);
            }
            case Message.Notification notification -> {
                switch (notification.method()) {
                    case "notifications/initialized" -> session.markInitialized();
                    case "notifications/cancelled" -> session.cancel(notification.params().get("requestId"));
                    default -> LOG.debug("session {}: notification {}", session.id(), notification.method());
                }
                yield null;
            }
            case Message.Response response -> {
                if (!session.answered(response)) {
                    LOG.debug("session {}: answer to {} that nobody waits for", session.id(), response.id());
                }
                yield null;
            }
        };
    }
}
