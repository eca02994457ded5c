package dev.forge.config;

import java.util.Locale;

/**
 * Where a URL sends what goes with it: {@code scheme://host:port}, lower-cased, the port written out when it is the
 * scheme's default (so {@code https://API.example.com} and {@code https://api.example.com:443} are one origin). A
 * credential sealed for an upstream is bound to its origin, so path and query may change, the host may not.
 *
 * <p>Read by the URL's shape rather than parsed as a {@link java.net.URI}, so a REST tool's template
 * ({@code https://{region}.example.com/items/{id}}) has an origin too: the host is what follows the last {@code @}
 * before the first {@code /}, {@code ?} or {@code #}, as for every URL a connection can be made to.
 */
public final class UrlOrigin {

    private UrlOrigin() {}

    /** The origin; null for null, and text without {@code ://} is its own origin (it goes nowhere else). */
    public static String of(String url) {
        if (url == null) {
            return null;
        }
        int separator = url.indexOf("://");
        if (separator <= 0) {
            return url;
        }
        int start = separator + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = authority.lastIndexOf(':');
        boolean hasPort = colon >= 0 && colon > authority.lastIndexOf(']'); // an IPv6 literal's colons are not a port
        String host = hasPort ? authority.substring(0, colon) : authority;
        String scheme = url.substring(0, separator).toLowerCase(Locale.ROOT);
        String port = hasPort && colon < authority.length() - 1 ? authority.substring(colon + 1) : defaultPort(scheme);
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (port.isEmpty() ? "" : ":" + port);
    }

    private static String defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> "80";
            case "https", "wss" -> "443";
            default -> "";
        };
    }
}
