package dev.forge.transport;

import dev.forge.protocol.JsonRpcError;

/** A modern-era request refused before it is served: the HTTP status and the JSON-RPC error the spec asks for. */
final class ModernRefusal extends RuntimeException {

    private final int status;
    private final transient JsonRpcError error;

    ModernRefusal(int status, JsonRpcError error) {
        super(error.message(), null, false, false);
        this.status = status;
        this.error = error;
    }

    ModernRefusal(int status, int code, String message) {
        this(status, new JsonRpcError(code, message));
    }

    int status() {
        return status;
    }

    JsonRpcError error() {
        return error;
    }
}
