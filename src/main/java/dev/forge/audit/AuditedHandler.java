package dev.forge.audit;

import dev.forge.dispatch.RoutedHandler;
import dev.forge.dispatch.ToolRoute;
import dev.forge.protocol.Message;
import dev.forge.protocol.RawResult;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes an audit line for every {@code tools/call}: who, which tool on which upstream, outcome and latency. The tool
 * and upstream are the request's route as resolved once at the entry, the same the dispatcher calls.
 */
public final class AuditedHandler implements RoutedHandler {

    private final RoutedHandler inner;
    private final AuditLog audit;

    public AuditedHandler(RoutedHandler inner, AuditLog audit) {
        this.inner = inner;
        this.audit = audit;
    }

    @Override
    public CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request,
                                                ToolRoute tool) {
        if (!"tools/call".equals(request.method())) {
            return inner.handle(session, inFlight, request, tool);
        }
        long start = System.nanoTime();
        JsonNode arguments = request.params().get("arguments");
        String traceId = org.slf4j.MDC.get("trace_id"); // the request's span is current here when Forge traces
        return inner.handle(session, inFlight, request, tool).whenComplete((response, failure) -> {
            String outcome = failure != null || response == null || response.has("error") ? "failed"
                    : RawResult.isToolError(response) ? "error" : "ok";
            audit.toolCall(session.principal().subject(), tool.qualified(), tool.upstream(), outcome,
                    (System.nanoTime() - start) / 1000, arguments, traceId);
        });
    }
}
