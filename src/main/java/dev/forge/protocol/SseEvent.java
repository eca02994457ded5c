package dev.forge.protocol;

/** One server-sent event as read off the wire; {@code id} and {@code event} are null when absent. */
public record SseEvent(String id, String event, String data) {

    /** The event type, defaulting to {@code message} as the SSE spec says. */
    public String type() {
        return event == null ? "message" : event;
    }
}
