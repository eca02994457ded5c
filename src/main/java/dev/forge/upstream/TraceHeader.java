package dev.forge.upstream;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The W3C trace context of a request sent over HTTP, as headers too: the message's {@code params._meta} carries it
 * (the call's span, or the client's own when Forge does not trace), and HTTP servers and proxies read headers.
 */
final class TraceHeader {

    private TraceHeader() {}

    static List<HttpField> with(ObjectNode message, List<HttpField> base) {
        JsonNode meta = message.path("params").path("_meta");
        String parent = meta.path("traceparent").asString(null);
        if (parent == null) {
            return base;
        }
        List<HttpField> fields = new ArrayList<>(base.size() + 2);
        fields.addAll(base);
        fields.add(new HttpField("traceparent", parent));
        String state = meta.path("tracestate").asString(null);
        if (state != null) {
            fields.add(new HttpField("tracestate", state));
        }
        return fields;
    }
}
