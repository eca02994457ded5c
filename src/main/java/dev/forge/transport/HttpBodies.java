package dev.forge.transport;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Request and response bodies of the MCP endpoints, read and written straight from and to the connection: a body
 * is read into one array of its announced size, and an answer is written with its length, without the framework's
 * copy through a stream of its own (which cost more than the rest of a call put together).
 */
public final class HttpBodies {

    /** The largest request body read; a larger one is a 413 (mapped at the edge). */
    public static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private HttpBodies() {}

    public static byte[] read(Context ctx) {
        long announced = ctx.req().getContentLengthLong();
        if (announced > MAX_REQUEST_BYTES) {
            throw new HttpResponseException(413, "Payload Too Large");
        }
        try {
            InputStream in = ctx.req().getInputStream();
            if (announced >= 0) {
                return in.readNBytes((int) announced);
            }
            byte[] bytes = in.readNBytes(MAX_REQUEST_BYTES + 1); // chunked: read to the limit, and one byte past it
            if (bytes.length > MAX_REQUEST_BYTES) {
                throw new HttpResponseException(413, "Payload Too Large");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("the request body could not be read", e);
        }
    }

    /** Writes a JSON answer with its length; a client that left is not an error of ours. */
    public static void json(Context ctx, int status, byte[] bytes) {
        HttpServletResponse response = ctx.res();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        try {
            response.getOutputStream().write(bytes);
        } catch (IOException e) {
            // the client went away before its answer
        }
    }
}
