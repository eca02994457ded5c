package dev.forge.upstream;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Answers the requests an upstream sends us (sampling, elicitation, roots, ping): ping is answered here; the others
 * go to the client the upstream is working for, and its answer comes back with the upstream's own id.
 */
final class ServerRequestRelay {

    private final String name;

    ServerRequestRelay(String name) {
        this.name = name;
    }

    /** @param related the client of the call whose stream carried the request, or null when the transport cannot tell */
    void answer(ObjectNode request, UpstreamClient from, Caller related) {
        JsonNode id = request.get("id");
        String method = request.path("method").asString("");
        if (method.equals("ping")) {
            from.send(Message.result(id, Json.object()).node());
            return;
        }
        Caller caller = related != null ? related : from.attributedCaller();
        String capability = switch (method) {
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default -> null;
        };
        if (caller == null) {
            from.send(Message.error(id, new JsonRpcError(JsonRpcError.INTERNAL_ERROR,
                    "No client is waiting on this upstream to answer " + method)).node());
            return;
        }
        if (capability != null && !caller.clientCapabilities().has(capability)) {
            from.send(Message.error(id, new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND,
                    "Method not found: the client did not declare the " + capability + " capability")).node());
            return;
        }
        JsonNode params = request.get("params");
        CompletableFuture<ObjectNode> asked = caller.ask(method, params instanceof ObjectNode o ? o : null);
        AtomicBoolean withdrawn = new AtomicBoolean();
        from.asking(id, () -> {
            withdrawn.set(true);
            caller.withdraw(asked, "withdrawn by upstream '" + name + "'");
        });
        asked.whenComplete((answer, failure) -> {
            from.answered(id);
            if (withdrawn.get()) {
                return; // the upstream cancelled its request: it expects no answer
            }
            ObjectNode reply = failure == null ? answer
                    : Message.error(id, new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "The client did not answer " + method)).node();
            reply.set("id", id);
            from.send(reply);
        });
    }
}
