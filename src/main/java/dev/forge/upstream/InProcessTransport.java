package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An MCP server that lives inside Forge (REST-backed tools, local prompts and resources): requests are answered
 * on a virtual thread of their own, as a separate server would, and definition changes are announced with
 * {@code list_changed} notifications.
 */
abstract sealed class InProcessTransport implements UpstreamTransport permits RestToolsTransport, LocalItemsTransport, MetaToolsTransport {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessTransport.class);

    private volatile Listener listener;

    /** The whole response message to one request. */
    abstract ObjectNode answer(Message.Request request);

    /** Called once the transport has its listener. */
    void started() {}

    @Override
    public final void start(Listener l) {
        this.listener = l;
        started();
    }

    /** Tells the upstream's client that lists changed. */
    final void announce(String... methods) {
        Listener current = listener;
        if (current != null) {
            for (String method : methods) {
                current.onMessage(Message.notification(method, null).node());
            }
        }
    }

    @Override
    public final Sent send(ObjectNode message) {
        if (!message.has("method") || !message.has("id")) {
            return Sent.NONE; // notifications and answers need nothing from a server without requests of its own
        }
        Listener current = listener;
        if (current != null) {
            Message.Request request = new Message.Request(message);
            respond(request, response -> current.onMessage(response == null ? internalError(request) : response));
        }
        return Sent.NONE;
    }

    /**
     * Answers one request through {@code reply} (null: the server broke). By default on a virtual thread of its own,
     * as a separate server would; a server whose answers wait only on asynchronous I/O answers from its callbacks.
     */
    void respond(Message.Request request, Consumer<ObjectNode> reply) {
        Thread.ofVirtual().name(kind() + "-server").start(() -> reply.accept(answerSafely(request)));
    }

    /** {@link #answer}, with a failure turned into null: a request that breaks the server must still be answered. */
    final ObjectNode answerSafely(Message.Request request) {
        try {
            return answer(request);
        } catch (RuntimeException e) {
            LOG.warn("{} server failed on {}", kind(), request.method(), e);
            return null;
        }
    }

    private ObjectNode internalError(Message.Request request) {
        return Message.error(request.id(), new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "Internal error in Forge's " + kind() + " server")).node();
    }

    /** The answer to {@code initialize}: the requested revision, the given capabilities, this server's name. */
    static ObjectNode initialized(Message.Request request, ObjectNode capabilities, String serverName) {
        ObjectNode result = Json.object();
        result.put("protocolVersion", request.params().path("protocolVersion").asString("2025-11-25"));
        result.set("capabilities", capabilities);
        result.putObject("serverInfo").put("name", serverName).put("version", "1");
        return Message.result(request.id(), result).node();
    }

    @Override
    public final void close() {
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.onClosed("closed");
        }
    }
}
