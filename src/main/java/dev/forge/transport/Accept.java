package dev.forge.transport;

import java.util.Locale;

/** What a client's Accept header allows us to answer with. */
record Accept(boolean json, boolean eventStream) {

    static Accept parse(String header) {
        if (header == null || header.isBlank()) {
            return new Accept(true, false);
        }
        String h = header.toLowerCase(Locale.ROOT);
        boolean any = h.contains("*/*");
        return new Accept(any || h.contains("application/json") || h.contains("application/*"),
                h.contains("text/event-stream"));
    }

    boolean none() {
        return !json && !eventStream;
    }
}
