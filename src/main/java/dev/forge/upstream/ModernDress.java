package dev.forge.upstream;

import dev.forge.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a message to a modern-era upstream (MCP 2026-07-28 on) is dressed: there is no session, so every request
 * carries the revision, our capabilities and our name in {@code params._meta}, and repeats its method (and the tool,
 * prompt or resource it names) in headers a proxy can route on.
 */
final class ModernDress {

    private static final String PREFIX = "io.modelcontextprotocol/";

    final String version;
    private final ObjectNode envelope;

    ModernDress(String version, ObjectNode capabilities, ObjectNode clientInfo) {
        this.version = version;
        this.envelope = Json.object();
        envelope.put(PREFIX + "protocolVersion", version);
        envelope.set(PREFIX + "clientCapabilities", capabilities);
        envelope.set(PREFIX + "clientInfo", clientInfo);
    }

    /**
     * The message with the envelope in its {@code _meta}; in place, as the rest of the forwarding does (the message is
     * the gateway's own copy, its id already ours). Answers to the upstream carry none.
     */
    ObjectNode enveloped(ObjectNode message) {
        if (!message.has("method")) {
            return message;
        }
        ObjectNode copy = message;
        ObjectNode params = copy.get("params") instanceof ObjectNode p ? p : copy.putObject("params");
        ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        for (var key : envelope.properties()) {
            if (!meta.has(key.getKey())) { // a log level the request carries (its client's) stays
                meta.set(key.getKey(), key.getValue());
            }
        }
        return copy;
    }

    /**
     * The answer, given here, to a legacy request this era replaced — {@code logging/setLevel} (each request carries
     * its client's level instead) and {@code resources/subscribe}/{@code unsubscribe} (a listen stream follows the
     * resource instead) — or null for a message that goes to the upstream.
     */
    ObjectNode answeredHere(ObjectNode message) {
        String method = message.path("method").asString("");
        JsonNode params = message.path("params");
        switch (method) {
            case "logging/setLevel" -> { } // each request carries its client's level (CallForwarder)
            case "resources/subscribe", "resources/unsubscribe" -> { } // a listen stream per resource (the transport's)
            default -> {
                return null;
            }
        }
        ObjectNode answer = Json.object();
        answer.put("jsonrpc", "2.0");
        answer.set("id", message.get("id"));
        answer.putObject("result");
        return answer;
    }

    /**
     * The JSON-RPC error a modern server sent with a 4xx status (it answers "method not found" with 404, a bad header
     * with 400), as the answer to request {@code id}; null if the failure carried none.
     */
    static ObjectNode errorAnswer(UpstreamException failure, JsonNode id) {
        String message = failure.getMessage();
        int body = message == null ? -1 : message.indexOf('{');
        if (failure.kind() != UpstreamException.Kind.HTTP_STATUS || failure.httpStatus() < 400 || failure.httpStatus() >= 500
                || body < 0) {
            return null;
        }
        try {
            if (Json.parse(message.substring(body)) instanceof ObjectNode answer && answer.get("error") instanceof ObjectNode) {
                answer.set("id", id);
                return answer;
            }
        } catch (RuntimeException notJson) {
            // words, not JSON-RPC: the failure stands
        }
        return null;
    }

    /** Asks for the client's log messages in this request (its envelope gets the level). */
    static void withLogLevel(ObjectNode request, String level) {
        ObjectNode params = request.get("params") instanceof ObjectNode p ? p : request.putObject("params");
        ObjectNode meta = params.get("_meta") instanceof ObjectNode m ? m : params.putObject("_meta");
        meta.put(PREFIX + "logLevel", level);
    }

    /** The request's headers and the ones this era adds: {@code Mcp-Method}, and {@code Mcp-Name} where it names one. */
    static List<HttpField> headers(ObjectNode message, List<HttpField> base) {
        String method = message.path("method").asString(null);
        if (method == null) {
            return base;
        }
        List<HttpField> fields = new ArrayList<>(base.size() + 2);
        fields.addAll(base);
        fields.add(new HttpField("Mcp-Method", method));
        ObjectNode params = message.get("params") instanceof ObjectNode p ? p : Json.object();
        String named = switch (method) {
            case "tools/call", "prompts/get" -> params.path("name").asString(null);
            case "resources/read" -> params.path("uri").asString(null);
            case "tasks/get", "tasks/update", "tasks/cancel" -> params.path("taskId").asString(null);
            default -> null;
        };
        if (named != null) {
            fields.add(new HttpField("Mcp-Name", headerValue(named)));
        }
        return fields;
    }

    /** A value as a header may carry it: as it is if plain visible ASCII, else {@code =?base64?…?=} as the spec says. */
    static String headerValue(String value) {
        boolean plain = !value.isEmpty() && value.strip().equals(value) && !value.startsWith("=?");
        for (int i = 0; plain && i < value.length(); i++) {
            char c = value.charAt(i);
            plain = c >= 0x20 && c < 0x7f;
        }
        return plain ? value : "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}
