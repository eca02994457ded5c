package dev.forge.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a {@code text/event-stream} one event at a time; bounded so a hostile stream cannot exhaust memory. */
public final class SseReader implements AutoCloseable {

    private static final int MAX_EVENT_CHARS = 16 * 1024 * 1024;

    private final BufferedReader in;

    public SseReader(InputStream stream) {
        this.in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 16 * 1024);
    }

    /** The next event, or null at the end of the stream. Comments and events without data are skipped. */
    public SseEvent next() throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new SseEvent(id, event, data.toString());
                }
                id = null;
                event = null;
                continue;
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + (colon + 1 < line.length() && line.charAt(colon + 1) == ' ' ? 2 : 1));
            switch (field) {
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value.length());
                    } else {
                        data.append('\n');
                    }
                    data.append(value);
                    if (data.length() > MAX_EVENT_CHARS) {
                        throw new IOException("SSE event larger than " + MAX_EVENT_CHARS + " characters");
                    }
                }
                case "event" -> event = value;
                case "id" -> id = value;
                default -> { } // retry and unknown fields carry nothing we route on
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
