package dev.forge.dispatch;

import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tools the gateway answers itself, because they act on behalf of the calling session (the tool router's
 * {@code call_tool}, {@code execute_task}, …). The dispatcher hands them calls of tools owned by {@link #upstream()}.
 */
public interface MetaTools {

    /** No meta-tools: nothing is intercepted. */
    MetaTools NONE = new MetaTools() {
        @Override
        public String upstream() {
            return null;
        }

        @Override
        public CompletableFuture<ObjectNode> call(ClientSession session, Message.Request request, String tool, Calls calls) {
            throw new IllegalStateException("no meta-tools");
        }
    };

    /** Calls a real tool as the session, by its namespaced name, with the access checks a direct call gets. */
    interface Calls {
        CompletableFuture<ObjectNode> call(Message.Request toolsCall);
    }

    /** The name of the built-in upstream that lists these tools, or null. */
    String upstream();

    /** Answers a {@code tools/call} of one meta-tool ({@code tool}: its own name); the response carries the request's id. */
    CompletableFuture<ObjectNode> call(ClientSession session, Message.Request request, String tool, Calls calls);
}
