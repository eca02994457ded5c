package dev.forge;

import dev.forge.api.OpsEndpoints;
import dev.forge.auth.AccessGuard;
import dev.forge.auth.Surface;
import dev.forge.protocol.JsonRpcError;
import dev.forge.tls.ServerTls;
import dev.forge.transport.LegacySseEndpoint;
import dev.forge.transport.OriginGuard;
import dev.forge.transport.StreamableHttpEndpoint;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Builds the HTTP listeners of the roles (gateway, service manager, tool router): the same server settings and the
 * same guards in front of each, in one order, with each role's routes behind them.
 */
final class Listeners {

    static final long MAX_REQUEST_BYTES = dev.forge.transport.HttpBodies.MAX_REQUEST_BYTES;
    /** Beyond this an oversized body is not worth reading to be polite; the connection is closed instead. */
    private static final long MAX_DISCARDED_BYTES = 4 * MAX_REQUEST_BYTES;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int ACCEPT_QUEUE = 1024;
    private static final Set<String> OPS_PATHS = Set.of("/health", "/ready", "/version", "/metrics", "/openapi.json");

    private final Security security;
    private final OriginGuard origins;
    private final BooleanSupplier draining;
    private final Runnable registryChanged;
    private final ServerTls tls;
    private final PlainHttpGuard plainHttp;

    /**
     * @param registryChanged told after every request that changed the registry (to tell the other replicas)
     * @param tls             HTTPS on every listener, or {@link ServerTls#OFF}
     */
    Listeners(Security security, OriginGuard origins, BooleanSupplier draining, Runnable registryChanged, ServerTls tls) {
        this.security = security;
        this.tls = tls;
        this.plainHttp = new PlainHttpGuard(tls.config());
        this.registryChanged = registryChanged;
        this.origins = origins;
        this.draining = draining;
    }

    /** A listener; {@code rootScope} is what its root MCP endpoints ({@code /mcp}, {@code /sse}) serve. */
    Javalin create(String host, int port, String rootScope, Consumer<RoutesConfig> routes) {
        return Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.http.maxRequestSize = MAX_REQUEST_BYTES;
            c.jetty.addConnector((server, httpConfig) -> {
                httpConfig.setRequestHeaderSize(MAX_HEADER_BYTES); // larger headers: 431 from Jetty
                ServerConnector connector = tls.connector(server, httpConfig);
                connector.setHost(host);
                connector.setPort(port);
                connector.setAcceptQueueSize(ACCEPT_QUEUE); // bursts of new clients wait instead of being reset
                return connector;
            });
            c.routes.before(ctx -> {
                ctx.attribute(AccessGuard.ROOT_SCOPE, rootScope);
                // the guards in order; the first that refuses has written the answer
                boolean admitted = plainHttp.admit(ctx) // first: nothing sent in the clear to a TLS port is acted on
                        && withinBodyLimit(ctx)
                        && security.clientAddress.admit(ctx)
                        && security.headers.admit(ctx)
                        // DNS rebinding: a page elsewhere reaching this machine by a name bound to 127.0.0.1 is refused
                        // on every surface that acts (MCP, the console, the admin API), not only where MCP is served
                        && (openToAll(ctx.path()) || origins.admit(ctx))
                        && notDraining(ctx)
                        && security.access.admit(ctx)
                        && security.rateLimits.admit(ctx);
                if (!admitted) {
                    ctx.skipRemainingHandlers();
                }
            });
            c.routes.after(ctx -> {
                // every request passes here: the path is classified once, and MCP traffic stops at that
                if (Surface.of(ctx.path()) == Surface.ADMIN_API && !ctx.method().name().equals("GET")) {
                    security.auditRegistryChange(ctx);
                    if (ctx.statusCode() >= 200 && ctx.statusCode() < 300) {
                        registryChanged.run(); // the other replicas are told
                    }
                }
            });
            EdgeErrors.register(c.routes);
            c.routes.get("/.well-known/oauth-protected-resource", security.resourceMetadata::serve);
            c.routes.get("/.well-known/oauth-protected-resource/*", security.resourceMetadata::serve);
            routes.accept(c.routes);
        });
    }

    static void opsRoutes(RoutesConfig routes, OpsEndpoints ops) {
        routes.get("/openapi.json", ops::openApi);
        routes.get("/health", ops::health);
        routes.get("/ready", ops::ready);
        routes.get("/version", ops::version);
        routes.get("/metrics", ops::metrics);
    }

    /** The MCP endpoints under {@code base}: Streamable HTTP at {@code /mcp}, legacy SSE at {@code /sse} + {@code /message}. */
    static void mcpRoutes(RoutesConfig routes, String base, Function<Context, String> scope,
                          StreamableHttpEndpoint streamable, LegacySseEndpoint legacy) {
        routes.post(base + "/mcp", ctx -> streamable.post(ctx, scope.apply(ctx)));
        routes.get(base + "/mcp", ctx -> streamable.get(ctx, scope.apply(ctx)));
        routes.delete(base + "/mcp", ctx -> streamable.delete(ctx, scope.apply(ctx)));
        routes.get(base + "/sse", ctx -> legacy.stream(ctx, scope.apply(ctx)));
        routes.post(base + "/message", ctx -> legacy.message(ctx, scope.apply(ctx)));
        EdgeErrors.notAllowed(routes, base + "/mcp", "GET, POST, DELETE");
        EdgeErrors.notAllowed(routes, base + "/sse", "GET");
        EdgeErrors.notAllowed(routes, base + "/message", "POST");
    }

    /** {@code POST /rpc}: one JSON-RPC request, one answer. */
    static void rpcRoute(RoutesConfig routes, io.javalin.http.Handler rpc) {
        routes.post("/rpc", rpc);
        EdgeErrors.notAllowed(routes, "/rpc", "POST");
    }

    /**
     * A body announced larger than the limit is refused without being parsed. It is still read and discarded (up to
     * {@link #MAX_DISCARDED_BYTES}) so that the client, which is usually still sending, gets to read the 413: closing a
     * socket with unread bytes resets the connection and loses the answer.
     */
    private static boolean withinBodyLimit(Context ctx) {
        long announced = ctx.contentLength();
        if (announced <= MAX_REQUEST_BYTES) {
            return true;
        }
        if (announced <= MAX_DISCARDED_BYTES) {
            discardBody(ctx);
        } else {
            ctx.header("Connection", "close");
        }
        EdgeErrors.tooLarge(ctx);
        return false;
    }

    private static void discardBody(Context ctx) {
        try (InputStream body = ctx.req().getInputStream()) {
            body.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            ctx.header("Connection", "close");
        }
    }

    private boolean notDraining(Context ctx) {
        if (!draining.getAsBoolean() || OPS_PATHS.contains(ctx.path())) {
            return true;
        }
        ctx.header("Retry-After", "5");
        EdgeErrors.reply(ctx, 503, JsonRpcError.UPSTREAM_UNAVAILABLE, "unavailable",
                "Service Unavailable: the gateway is shutting down");
        return false;
    }

    /** Health and the like, which anyone may read and which change nothing; the console's sign-in is not among them. */
    private static boolean openToAll(String path) {
        return Surface.of(path) == Surface.OPEN && !path.startsWith("/admin");
    }

}
