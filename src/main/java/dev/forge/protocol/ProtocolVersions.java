package dev.forge.protocol;

import java.util.List;

/**
 * The MCP revisions Forge speaks, oldest first, and how one is chosen for a client. Two eras: the legacy revisions
 * begin a session with {@code initialize}; the modern ones (2026-07-28 on) carry their revision in every request's
 * {@code _meta} and have no session.
 */
public final class ProtocolVersions {

    public static final List<String> SUPPORTED = List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");
    /** The modern revisions, newest first, as {@code server/discover} offers them. */
    public static final List<String> MODERN = List.of("2026-07-28");
    public static final String LATEST = "2025-11-25";
    /** What a Streamable HTTP request without the version header is assumed to speak (per the 2025-06-18 spec). */
    public static final String ASSUMED_WITHOUT_HEADER = "2025-03-26";

    private ProtocolVersions() {}

    public static boolean isModern(String version) {
        return version != null && MODERN.contains(version);
    }

    /** Every revision Forge speaks, both eras, oldest first. */
    public static List<String> all() {
        return java.util.stream.Stream.concat(SUPPORTED.stream(), MODERN.reversed().stream()).toList();
    }

    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /** The client's requested revision if we speak it, else our latest (the client then decides whether to go on). */
    public static String negotiate(String requested) {
        return isSupported(requested) ? requested : LATEST;
    }
}
