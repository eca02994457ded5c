package dev.forge.transport;

import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.ProtocolVersions;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a modern-era request (MCP 2026-07-28 on) says of itself in {@code params._meta}: the revision it speaks, the
 * client's capabilities and name, and the log level it wants (none: no log messages). A request is modern exactly
 * when it names its revision there; everything else is the legacy era, served as before.
 */
record ModernEnvelope(String version, ObjectNode clientCapabilities, ObjectNode clientInfo, String logLevel) {

    static final String PREFIX = "io.modelcontextprotocol/";
    static final String VERSION = PREFIX + "protocolVersion";
    static final String CAPABILITIES = PREFIX + "clientCapabilities";
    static final String CLIENT_INFO = PREFIX + "clientInfo";
    static final String LOG_LEVEL = PREFIX + "logLevel";
    static final String SERVER_INFO = PREFIX + "serverInfo";
    static final String SUBSCRIPTION_ID = PREFIX + "subscriptionId";
    /** The tasks extension's name, in capabilities' {@code extensions}. */
    static final String TASKS = PREFIX + "tasks";
    /** Severities in rising order, as MCP's logging names them. */
    static final List<String> LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency");

    /** True if the client said, on this request, that it takes task handles (the tasks extension). */
    boolean takesTasks() {
        return clientCapabilities.path("extensions").has(TASKS);
    }

    /** True if this message (a request or a notification) claims the modern era. */
    static boolean claimed(JsonNode message) {
        JsonNode meta = message.path("params").path("_meta");
        return meta.isObject() && meta.has(VERSION);
    }

    /** Reads the envelope, refusing with the spec's status and code what is missing or not spoken here. */
    static ModernEnvelope read(JsonNode params) {
        JsonNode meta = params.path("_meta");
        JsonNode version = meta.get(VERSION);
        if (version == null || !version.isString()) {
            throw invalid(VERSION, "must be a string naming a revision");
        }
        if (!ProtocolVersions.isModern(version.asString())) {
            ObjectNode data = Json.object();
            data.set("supported", Json.valueToTree(ProtocolVersions.MODERN));
            data.put("requested", version.asString());
            throw new ModernRefusal(400, new JsonRpcError(JsonRpcError.UNSUPPORTED_PROTOCOL_VERSION,
                    "Unsupported protocol version: " + version.asString() + " (this gateway speaks "
                            + String.join(", ", ProtocolVersions.MODERN) + " per request, and "
                            + String.join(", ", ProtocolVersions.SUPPORTED) + " after initialize)", data));
        }
        JsonNode capabilities = meta.get(CAPABILITIES);
        if (!(capabilities instanceof ObjectNode caps)) {
            throw invalid(CAPABILITIES, capabilities == null ? "missing" : "must be an object");
        }
        JsonNode info = meta.get(CLIENT_INFO);
        if (info != null && !info.isObject()) {
            throw invalid(CLIENT_INFO, "must be an object");
        }
        JsonNode level = meta.get(LOG_LEVEL);
        if (level != null && !(level.isString() && LEVELS.contains(level.asString()))) {
            throw invalid(LOG_LEVEL, "must be one of " + String.join(", ", LEVELS));
        }
        return new ModernEnvelope(version.asString(), caps, info instanceof ObjectNode i ? i : Json.object(),
                level == null ? null : level.asString());
    }

    /** Whether a log message of this level goes to the client: only if it asked for a level, and at or above it. */
    boolean wantsLog(String level) {
        if (logLevel == null) {
            return false;
        }
        int at = LEVELS.indexOf(level);
        return at < 0 || at >= LEVELS.indexOf(logLevel);
    }

    /**
     * Takes the envelope out of the request's params, and answers to questions (those are the gateway's to give, from
     * a retry it recognises): what an upstream of either era is given. In place: the request is this gateway's own copy.
     */
    static ObjectNode withoutEnvelope(ObjectNode params) {
        params.remove(List.of("inputResponses", "requestState"));
        if (params.get("_meta") instanceof ObjectNode meta) {
            meta.remove(List.of(VERSION, CAPABILITIES, CLIENT_INFO, LOG_LEVEL));
            if (meta.isEmpty()) {
                params.remove("_meta");
            }
        }
        return params;
    }

    private static ModernRefusal invalid(String key, String problem) {
        ObjectNode data = Json.object();
        ObjectNode envelope = data.putObject("envelope");
        envelope.put("key", key);
        envelope.put("problem", problem);
        return new ModernRefusal(400, new JsonRpcError(JsonRpcError.INVALID_PARAMS,
                "Invalid _meta envelope for MCP " + ProtocolVersions.MODERN.getFirst() + ": " + key + " " + problem, data));
    }
}
