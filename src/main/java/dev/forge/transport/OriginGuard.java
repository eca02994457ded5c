package dev.forge.transport;

import dev.forge.protocol.JsonRpcError;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * DNS-rebinding protection for the MCP endpoints: a browser page on another site may reach Forge on this machine
 * through a name that resolves to 127.0.0.1. Refused (403): an {@code Origin} that is not a loopback origin or an
 * allowed one, and a loopback connection whose {@code Host} is neither a loopback name nor an allowed host.
 * Remote clients connecting over the network are not affected by the Host rule.
 */
public final class OriginGuard {

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> allowedHosts;
    private final Set<String> allowedOrigins;

    /** {@code allowedHosts}: host names (no port); {@code allowedOrigins}: scheme://host[:port]. */
    public OriginGuard(Set<String> allowedHosts, Set<String> allowedOrigins) {
        this.allowedHosts = lower(allowedHosts);
        this.allowedOrigins = lower(allowedOrigins);
    }

    /** True if the request may go on; otherwise the 403 has been written. */
    public boolean admit(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.isBlank() && !originAllowed(origin.trim().toLowerCase(Locale.ROOT))) {
            HttpErrors.reply(ctx, 403, JsonRpcError.INVALID_REQUEST, "Forbidden: Origin " + origin
                    + " is not allowed (set ALLOWED_ORIGINS to admit it)");
            return false;
        }
        String host = hostName(ctx.header("Host"));
        if (isLoopback(dev.forge.auth.ClientAddress.of(ctx)) && host != null && !LOOPBACK_NAMES.contains(host) && !allowedHosts.contains(host)) {
            HttpErrors.reply(ctx, 403, JsonRpcError.INVALID_REQUEST, "Forbidden: Host " + host
                    + " on a loopback connection looks like DNS rebinding (set ALLOWED_HOSTS to admit it)");
            return false;
        }
        return true;
    }

    private boolean originAllowed(String origin) {
        if (allowedOrigins.contains(origin) || allowedOrigins.contains("*")) {
            return true;
        }
        try {
            String host = URI.create(origin).getHost();
            return host != null && (LOOPBACK_NAMES.contains(host) || allowedHosts.contains(host));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static boolean isLoopback(String ip) {
        try {
            return InetAddress.getByName(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static Set<String> lower(Set<String> values) {
        return values.stream().map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
