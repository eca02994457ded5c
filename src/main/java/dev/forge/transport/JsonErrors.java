package dev.forge.transport;

import dev.forge.auth.Surface;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Requests Jetty refuses before any handler sees them (headers too large, a malformed request line) are answered in
 * the shape of the surface they were sent to (when their path is known), with a message that says which limit was hit.
 */
public final class JsonErrors extends ErrorHandler {

    private final int maxHeaderBytes;

    public JsonErrors(int maxHeaderBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason, null));
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message, request.getHttpURI().getPath())), callback);
    }

    /** On an MCP path (when the path is known) a JSON-RPC error, like every other answer there. */
    private byte[] body(int status, String reason, String path) {
        String message = status == 431
                ? "Request Header Fields Too Large: request headers are limited to " + maxHeaderBytes / 1024 + " KiB"
                : status + " " + (reason == null ? HttpStatus.getMessage(status) : reason);
        if (path != null && Surface.of(path) == Surface.MCP) {
            return Json.bytes(Message.error(null, new JsonRpcError(JsonRpcError.INVALID_REQUEST, message)).node());
        }
        return Json.bytes(Json.object().put("error", status == 431 ? "headers_too_large" : "bad_request").put("message", message));
    }
}
