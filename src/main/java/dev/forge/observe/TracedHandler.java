package dev.forge.observe;

import dev.forge.dispatch.RoutedHandler;
import dev.forge.dispatch.ToolRoute;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InFlight;
import dev.forge.trace.RequestSpan;
import dev.forge.trace.Tracing;
import io.opentelemetry.context.Scope;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A span per MCP request: its method, tool, upstream, the caller's subject (never a token) and outcome, under the
 * client's trace when the request names one in {@code params._meta.traceparent} (the HTTP transports put a
 * {@code traceparent} header there). The stages behind run with the span current, so the upstream call is its
 * child, and log lines written there (the audit line of a call too) carry its trace id. Wired in only when tracing
 * is on.
 */
public final class TracedHandler implements RoutedHandler {

    private final RoutedHandler inner;
    private final Tracing tracing;

    public TracedHandler(RoutedHandler inner, Tracing tracing) {
        this.inner = inner;
        this.tracing = tracing;
    }

    @Override
    public CompletableFuture<ObjectNode> handle(ClientSession session, InFlight inFlight, Message.Request request,
                                                ToolRoute tool) {
        JsonNode meta = request.params().path("_meta");
        String method = request.method();
        String target = tool.requested() != null ? tool.requested() : targetOf(method, request.params());
        RequestSpan span = tracing.request(target == null ? method : method + " " + target,
                meta.path("traceparent").asString(null), meta.path("tracestate").asString(null))
                .attribute("mcp.method.name", method)
                .attribute("gen_ai.tool.name", tool.requested())
                .attribute("forge.upstream", tool.route() == null ? null : tool.upstream())
                .attribute("mcp.resource.uri", "resources/read".equals(method) ? request.params().path("uri").asString(null) : null)
                .attribute("forge.endpoint", session.scope())
                .attribute("enduser.id", session.principal().subject());
        CompletableFuture<ObjectNode> answered;
        try (Scope entered = span.enter()) {
            answered = inner.handle(session, inFlight, request, tool);
        }
        return answered.whenComplete((response, failure) -> {
            JsonNode error = response == null ? null : response.get("error");
            if (failure != null) {
                span.end("failed", dev.forge.protocol.JsonRpcError.INTERNAL_ERROR, failure.getMessage());
            } else if (error != null) {
                span.end("error", error.path("code").asInt(), error.path("message").asString(""));
            } else {
                span.end(dev.forge.protocol.RawResult.isToolError(response) ? "tool_error" : "ok", null, null);
            }
        });
    }

    /** What a request other than a tool call names in the span's name: a prompt (resource URIs are too many). */
    private static String targetOf(String method, ObjectNode params) {
        return "prompts/get".equals(method) ? params.path("name").asString(null) : null;
    }
}
