package dev.forge.e2e;

import dev.forge.config.SessionMode;
import java.util.Arrays;
import java.util.List;

/**
 * One cell of the passthrough matrix: how the gateway reaches the upstream, whether the gateway's entry shares one
 * upstream session between clients or opens one per client, and how the client reaches the gateway.
 */
record MatrixCell(UpstreamKind upstream, SessionMode mode, ClientTransport client) {

    /** How the outer gateway reaches the probe server. */
    enum UpstreamKind {
        STDIO("stdio"),
        STREAMABLE_SSE("streamable-http(sse)"),
        STREAMABLE_JSON("streamable-http(json)"),
        LEGACY_SSE("sse"),
        /** Another Forge that federates the probe over stdio, reached over Streamable HTTP. */
        FORGE("forge");

        final String label;

        UpstreamKind(String label) {
            this.label = label;
        }
    }

    /** How the client reaches the gateway, and the endpoint it opens. */
    enum ClientTransport {
        STREAMABLE("streamable-http", "streamable", "/mcp"),
        SSE("sse", "sse", "/sse");

        final String label;
        final String scriptArgument;
        final String endpoint;

        ClientTransport(String label, String scriptArgument, String endpoint) {
            this.label = label;
            this.scriptArgument = scriptArgument;
            this.endpoint = endpoint;
        }
    }

    static List<MatrixCell> all() {
        return Arrays.stream(UpstreamKind.values()).flatMap(kind -> Arrays.stream(SessionMode.values())
                .flatMap(mode -> Arrays.stream(ClientTransport.values()).map(client -> new MatrixCell(kind, mode, client))))
                .toList();
    }

    /** The name of the outer gateway's entry this cell goes through; both client transports share it. */
    String entry() {
        return entry(upstream, mode);
    }

    static String entry(UpstreamKind upstream, SessionMode mode) {
        return upstream.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-" + modeLabel(mode);
    }

    static String modeLabel(SessionMode mode) {
        return mode == SessionMode.PER_CLIENT ? "per-client" : "shared";
    }

    @Override
    public String toString() {
        return "[" + client.label + " client -> " + upstream.label + " upstream, " + modeLabel(mode) + "]";
    }
}
