package dev.forge.transport;

import dev.forge.protocol.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;

/** Writes a {@code text/event-stream} response, flushing after each event so it reaches the client at once. */
final class SseWriter {

    private static final byte[] MESSAGE_PREFIX = "event: message\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    private SseWriter(OutputStream out) {
        this.out = out;
    }

    /** Commits the response as an event stream (status 200) and returns a writer for it. */
    static SseWriter open(Context ctx, String sessionId) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.header("Cache-Control", "no-cache, no-transform");
        ctx.header("X-Accel-Buffering", "no");
        if (sessionId != null) {
            ctx.header(StreamableHttpEndpoint.SESSION_HEADER, sessionId);
        }
        OutputStream out = ctx.res().getOutputStream();
        out.flush();
        return new SseWriter(out);
    }

    /** One JSON-RPC message as a {@code message} event; JSON has no raw newlines, so one data line suffices. */
    void message(JsonNode message) throws IOException {
        message(Json.bytes(message));
    }

    /** A message already serialized. */
    void message(byte[] json) throws IOException {
        out.write(MESSAGE_PREFIX);
        out.write(json);
        out.write(EVENT_END);
        out.flush();
    }

    /** A message event with an id the client can resume after ({@code Last-Event-ID}). */
    void message(long id, JsonNode message) throws IOException {
        out.write(("id: " + id + "\n").getBytes(StandardCharsets.US_ASCII));
        message(message);
    }

    void event(String type, String data) throws IOException {
        out.write(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A comment line: keeps proxies from closing an idle stream and tells us when the client has gone. */
    void keepAlive() throws IOException {
        out.write(KEEP_ALIVE);
        out.flush();
    }
}
