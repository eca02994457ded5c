package dev.forge.protocol;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A JSON-RPC 2.0 error object: the standard codes plus the ones MCP and Forge use. */
public record JsonRpcError(int code, String message, JsonNode data) {

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** MCP: the requested resource does not exist. */
    public static final int RESOURCE_NOT_FOUND = -32002;
    /** Forge: the upstream that owns the target is unavailable, failed or timed out. */
    public static final int UPSTREAM_UNAVAILABLE = -32001;
    /** The request was cancelled before it was answered. */
    public static final int REQUEST_CANCELLED = -32800;
    /** Forge: the request took longer than the configured timeout. */
    public static final int REQUEST_TIMEOUT = -32003;
    /** Forge: over a rate limit or a session limit; the HTTP reply says when to retry. */
    public static final int RATE_LIMITED = -32004;
    /** Forge: no acceptable credential (HTTP 401) or not allowed (HTTP 403). */
    public static final int ACCESS_DENIED = -32005;
    /** MCP 2026-07-28: a required header is missing, malformed, or disagrees with the body. */
    public static final int HEADER_MISMATCH = -32020;
    /** MCP 2026-07-28: the request needs a client capability it did not declare. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** MCP 2026-07-28: the revision asked for is not spoken here; {@code data} lists the ones that are. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    public JsonRpcError(int code, String message) {
        this(code, message, null);
    }

    public ObjectNode toNode() {
        ObjectNode error = Json.object();
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.set("data", data);
        }
        return error;
    }
}
