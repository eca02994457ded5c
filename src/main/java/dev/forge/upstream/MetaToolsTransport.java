package dev.forge.upstream;

import dev.forge.config.MetaToolSource;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lists Forge's meta-tools as an upstream would, so they take part in the catalog, virtual servers and access
 * control like any tool. Their calls never reach here: the dispatcher answers them, since only it knows the caller.
 */
final class MetaToolsTransport extends InProcessTransport {

    private final MetaToolSource source;

    MetaToolsTransport(MetaToolSource source) {
        this.source = source;
    }

    @Override
    ObjectNode answer(Message.Request request) {
        return switch (request.method()) {
            case "initialize" -> {
                ObjectNode caps = Json.object();
                caps.putObject("tools");
                yield initialized(request, caps, "forge-tool-router");
            }
            case "ping" -> Message.result(request.id(), Json.object()).node();
            case "tools/list" -> {
                ObjectNode result = Json.object();
                var tools = result.putArray("tools");
                source.definitions().forEach(tools::add);
                yield Message.result(request.id(), result).node();
            }
            default -> Message.error(request.id(), new JsonRpcError(JsonRpcError.METHOD_NOT_FOUND,
                    "Method not found: " + request.method() + " (meta-tools are answered by the gateway)")).node();
        };
    }

    @Override
    public String kind() {
        return "meta";
    }
}
