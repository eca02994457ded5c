package dev.forge;

import dev.forge.config.TlsConfig;
import dev.forge.protocol.JsonRpcError;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first guard of a listener that serves HTTPS: a request that arrived in plain HTTP is redirected (308, which
 * keeps the method and body of a POST to {@code /mcp}) to the same host, port and path over https, or refused (400)
 * as {@code SSL_PLAIN_HTTP} says, before anything else reads it. With TLS off every request passes.
 */
final class PlainHttpGuard {

    /** A Host header's port: after the last colon, unless that colon is inside an IPv6 literal's brackets. */
    private static final Pattern HOST_PORT = Pattern.compile(".*:(\\d{1,5})");

    private final boolean tls;
    private final TlsConfig.PlainHttp mode;

    PlainHttpGuard(TlsConfig config) {
        this.tls = config.enabled();
        this.mode = config.plainHttp();
    }

    boolean admit(Context ctx) {
        if (!tls || ctx.req().isSecure()) {
            return true;
        }
        ctx.header("Connection", "close"); // the next request comes over TLS, on a new connection
        if (mode == TlsConfig.PlainHttp.REFUSE) {
            EdgeErrors.reply(ctx, 400, JsonRpcError.INVALID_REQUEST, "https_required",
                    "Bad Request: this port serves HTTPS only (plain HTTP is refused here)");
            return false;
        }
        String location = "https://" + authority(ctx.req()) + ctx.req().getRequestURI()
                + (ctx.req().getQueryString() == null ? "" : "?" + ctx.req().getQueryString());
        ctx.header("Location", location);
        EdgeErrors.reply(ctx, 308, JsonRpcError.INVALID_REQUEST, "https_required",
                "Permanent Redirect: this port serves HTTPS; send the request to " + location);
        return false;
    }

    /**
     * The host the client asked for and the port it used (a published port may differ from the one Forge listens
     * on); without a port in its Host header, the port the request arrived on.
     */
    private static String authority(HttpServletRequest request) {
        String name = request.getServerName(); // parsed and checked by Jetty: nothing of a raw header is echoed
        String host = name.indexOf(':') >= 0 && !name.startsWith("[") ? "[" + name + "]" : name;
        String header = request.getHeader("Host");
        Matcher port = header == null || header.endsWith("]") ? null : HOST_PORT.matcher(header);
        return host + ":" + (port != null && port.matches() ? port.group(1) : String.valueOf(request.getLocalPort()));
    }
}
