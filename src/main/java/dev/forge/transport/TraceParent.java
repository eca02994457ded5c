package dev.forge.transport;

import io.javalin.http.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client's W3C trace context sent as HTTP headers, moved to where MCP carries it — each request's
 * {@code params._meta} — unless the request names its own there; from then on the request's span, and the
 * upstream's, continue the client's trace.
 */
final class TraceParent {

    private TraceParent() {}

    static void adopt(Context ctx, JsonNode body) {
        String parent = ctx.header("traceparent");
        if (parent == null) {
            return;
        }
        if (body.isArray()) {
            body.forEach(item -> adopt(item, parent, ctx.header("tracestate")));
        } else {
            adopt(body, parent, ctx.header("tracestate"));
        }
    }

    private static void adopt(JsonNode message, String parent, String state) {
        if (!(message instanceof ObjectNode m) || !m.has("method") || !m.has("id")) {
            return; // only requests are traced
        }
        ObjectNode params = m.get("params") instanceof ObjectNode p ? p : m.putObject("params");
        ObjectNode meta = params.get("_meta") instanceof ObjectNode existing ? existing : params.putObject("_meta");
        if (!meta.has("traceparent")) {
            meta.put("traceparent", parent);
            if (state != null) {
                meta.put("tracestate", state);
            }
        }
    }
}
