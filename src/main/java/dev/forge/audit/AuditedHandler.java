package dev.forge.audit;

import dev.forge.catalog.CatalogView;
import dev.forge.catalog.Federation;
import dev.forge.catalog.Route;
import dev.forge.dispatch.McpHandler;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Writes an audit line for every {@code tools/call}: who, which tool on which upstream, outcome and latency. */
public final class AuditedHandler implements McpHandler {

    private final McpHandler inner;
    private final Federation federation;
    private final AuditLog audit;

    public AuditedHandler(McpHandler inner, Federation federation, AuditLog audit) {
        this.inner = inner;
        this.federation = federation;
        this.audit = audit;
    }

    @Override
    public CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request) {
        if (!"tools/call".equals(request.method())) {
            return inner.handle(session, inFlight, request);
        }
        long start = System.nanoTime();
        String tool = request.params().path("name").asString("");
        JsonNode arguments = request.params().get("arguments");
        CatalogView view = federation.catalog().view(session.scope());
        Route route = view == null ? null : view.tool(tool);
        String upstream = route == null ? "" : route.upstream().name();
        String qualified = route == null ? tool : upstream + federation.separator() + route.upstreamName();
        return inner.handle(session, inFlight, request).whenComplete((response, failure) -> {
            String outcome = failure != null || response == null || response.has("error") ? "failed"
                    : response.path("result").path("isError").asBoolean(false) ? "error" : "ok";
            audit.toolCall(session.principal().subject(), qualified, upstream, outcome,
                    (System.nanoTime() - start) / 1000, arguments);
        });
    }
}
