package dev.forge.protocol;

import tools.jackson.databind.JsonNode;

/** A failure that has a JSON-RPC error to show the client; every internal failure is mapped to one at the edge. */
public final class JsonRpcException extends RuntimeException {

    private final JsonRpcError error;

    public JsonRpcException(int code, String message) {
        this(new JsonRpcError(code, message));
    }

    public JsonRpcException(int code, String message, JsonNode data) {
        this(new JsonRpcError(code, message, data));
    }

    public JsonRpcException(JsonRpcError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public JsonRpcError error() {
        return error;
    }
}
