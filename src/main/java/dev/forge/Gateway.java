package dev.forge;

import dev.forge.api.CatalogApi;
import dev.forge.api.TokensApi;
import dev.forge.api.AdminPage;
import dev.forge.audit.AuditLog;
import dev.forge.audit.AuditedHandler;
import dev.forge.auth.AccessGuard;
import dev.forge.auth.ClientAddress;
import dev.forge.auth.Principal;
import dev.forge.auth.ResourceMetadata;
import dev.forge.auth.Revocations;
import dev.forge.auth.Surface;
import dev.forge.auth.TokenService;
import dev.forge.auth.TokenVerifier;
import dev.forge.config.SecurityConfig;
import dev.forge.ratelimit.BucketRateLimiter;
import dev.forge.ratelimit.RateLimitGuard;
import dev.forge.ratelimit.RateLimiter;
import dev.forge.ratelimit.RedisBuckets;
import dev.forge.store.TokenRepository;
import dev.forge.store.SecretBox;
import dev.forge.upstream.AddressPolicy;
import dev.forge.transport.ResponseHeaders;
import dev.forge.api.GatewaysApi;
import dev.forge.api.LocalItemsApi;
import dev.forge.api.RestToolsApi;
import dev.forge.registry.LocalItemRegistry;
import dev.forge.store.LocalItemRepository;
import dev.forge.api.TransferApi;
import dev.forge.config.UpstreamConfig;
import dev.forge.registry.RestToolRegistry;
import dev.forge.store.RestToolRepository;
import java.util.ArrayList;
import java.util.List;
import dev.forge.registry.RegistryTransfer;
import dev.forge.transport.OriginGuard;
import dev.forge.transport.PlainRpcEndpoint;
import dev.forge.api.OpsEndpoints;
import dev.forge.api.ServersApi;
import dev.forge.registry.ServerRegistry;
import dev.forge.store.ServerRepository;
import dev.forge.store.ToolStateRepository;
import dev.forge.registry.GatewayRegistry;
import dev.forge.store.GatewayRepository;
import dev.forge.catalog.Catalog;
import dev.forge.catalog.Federation;
import dev.forge.config.ForgeConfig;
import dev.forge.dispatch.FederatedHandler;
import dev.forge.dispatch.McpHandler;
import dev.forge.dispatch.TaskRoutes;
import dev.forge.observe.MeteredHandler;
import dev.forge.observe.UpstreamMetrics;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.InMemorySessionStore;
import dev.forge.session.ListChangeNotifier;
import dev.forge.session.ResourceUpdateNotifier;
import dev.forge.session.SessionStore;
import dev.forge.store.Database;
import dev.forge.transport.LegacySseEndpoint;
import dev.forge.transport.StreamableHttpEndpoint;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The assembly: wires configuration, upstreams, catalog, sessions, decorators and HTTP routes in one place. */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final int PAGE_SIZE = 100;
    private static final long MAX_REQUEST_BYTES = 8L * 1024 * 1024;
    private static final int ACCEPT_QUEUE = 1024;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final java.util.Set<String> OPS_PATHS = java.util.Set.of("/health", "/ready", "/version", "/metrics", "/openapi.json");
    /** How long calls in flight may take to finish once shutdown starts. */
    private static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(10);

    private final ForgeConfig config;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Federation federation;
    private final SessionStore sessions;
    private final Javalin app;
    private final Database database;
    private final AuditLog audit;
    private final RedisBuckets redis;
    private volatile boolean draining;

    private Gateway(ForgeConfig config) throws Exception {
        this.config = config;
        Clock clock = Clock.systemUTC();
        String version = Version.value();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "forge-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.database = Database.open(config.database(), config.skipMigrations());
        LOG.info("registry database: {}", config.database());
        this.http = new HttpClient();
        QueuedThreadPool clientThreads = new QueuedThreadPool();
        clientThreads.setName("forge-upstream-http");
        http.setExecutor(clientThreads);
        http.setConnectTimeout(config.connectTimeout().toMillis());
        http.setIdleTimeout(config.requestTimeout().plusMinutes(5).toMillis()); // long-lived SSE streams stay open
        http.setMaxConnectionsPerDestination(256);
        http.setFollowRedirects(false);
        AddressPolicy addresses = new AddressPolicy(config.security().ssrfAllowPrivate(), config.security().ssrfAllowLocalhost());
        http.setSocketAddressResolver(addresses); // the SSRF guard judges every address Forge connects to upstream
        http.start();

        SecretBox secrets = SecretBox.of(config.security().encryptionKey(), config.security().production());
        if (!secrets.encrypts()) {
            LOG.warn("FORGE_ENCRYPTION_KEY is not set: upstream credentials are {}", config.security().production()
                    ? "refused (production never stores them in the clear)" : "stored unencrypted (development)");
        }
        GatewayRegistry gateways = new GatewayRegistry(new GatewayRepository(database, clock, secrets), config.requestTimeout(),
                config.connectTimeout(), addresses);
        ServerRegistry servers = new ServerRegistry(new ServerRepository(database, clock));
        RestToolRegistry restTools = new RestToolRegistry(new RestToolRepository(database, clock, secrets), config.requestTimeout(),
                addresses);
        List<UpstreamConfig> upstreams = new ArrayList<>(gateways.bootstrap(config.gateways()));
        if (!restTools.isEmpty()) {
            upstreams.add(restTools.upstreamConfig());
        }
        LocalItemRegistry localItems = new LocalItemRegistry(new LocalItemRepository(database, clock), config.requestTimeout());
        if (!localItems.isEmpty()) {
            upstreams.add(localItems.upstreamConfig());
        }
        ForgeConfig registered = config.withGateways(upstreams).withServers(servers.bootstrap(config.servers()));
        this.federation = new Federation(registered, http, scheduler, version);
        gateways.attach(federation);
        servers.attach(federation);
        restTools.attach(federation);
        localItems.attach(federation);
        ToolStateRepository toolStates = new ToolStateRepository(database, clock);
        federation.setDisabledTools(toolStates.disabled());
        SecurityConfig security = config.security();
        this.sessions = new InMemorySessionStore(clock, config.sessionIdleTimeout(), security.maxSessionsPerPrincipal(), scheduler);
        federation.onCatalogChange(new ListChangeNotifier(sessions, federation.catalog()));
        federation.onRoutedNotification(new ResourceUpdateNotifier(sessions));
        TaskRoutes tasks = new TaskRoutes(sessions);
        federation.onRoutedNotification(tasks);
        sessions.onClose(session -> federation.closeSession(session.id()));

        PrometheusMeterRegistry prometheus = config.prometheusEnabled() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        MeterRegistry registry = prometheus != null ? prometheus : new CompositeMeterRegistry();
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        UpstreamMetrics upstreamMetrics = new UpstreamMetrics(registry);
        federation.onMembership(upstreamMetrics::added, upstreamMetrics::removed);

        this.audit = AuditLog.open(security.auditLog(), security.logRetention(), security.auditArguments(), clock);
        Revocations revocations = new Revocations(new TokenRepository(database, clock));
        revocations.reloadEvery(scheduler);
        TokenVerifier verifier = new TokenVerifier(security, revocations, clock);
        TokenService tokens = new TokenService(security, new TokenRepository(database, clock), revocations, audit, clock);
        this.redis = security.redisUrl() == null ? null : new RedisBuckets(security.redisUrl(), config.connectTimeout());
        RateLimiter requestBudget = redis == null ? BucketRateLimiter.local("requests", security.rateLimitPerMinute())
                : BucketRateLimiter.shared("requests", security.rateLimitPerMinute(), redis);
        RateLimiter authBudget = redis == null ? BucketRateLimiter.local("auth", security.authRateLimitPerMinute())
                : BucketRateLimiter.shared("auth", security.authRateLimitPerMinute(), redis);
        AccessGuard access = new AccessGuard(security, verifier, authBudget, audit, servers::nameOf);
        RateLimitGuard rateLimits = new RateLimitGuard(requestBudget, authBudget, security.metricsPublic(), audit);
        ResponseHeaders headers = new ResponseHeaders(security.corsEnabled(), config.allowedOrigins());
        ResourceMetadata resourceMetadata = new ResourceMetadata(security);
        ClientAddress clientAddress = new ClientAddress(security.trustedProxies());

        McpHandler handler = new AuditedHandler(new MeteredHandler(new FederatedHandler(federation, tasks, PAGE_SIZE, version), registry),
                federation, audit);
        StreamableHttpEndpoint streamable = new StreamableHttpEndpoint(handler, sessions, this::scopeExists, config.requestTimeout());
        LegacySseEndpoint legacy = new LegacySseEndpoint(handler, sessions, this::scopeExists);
        PlainRpcEndpoint plainRpc = new PlainRpcEndpoint(handler, sessions, config.requestTimeout());
        OpsEndpoints ops = new OpsEndpoints(federation, prometheus, clock, version, this::draining);

        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.http.maxRequestSize = MAX_REQUEST_BYTES;
            c.jetty.addConnector((server, httpConfig) -> {
                httpConfig.setRequestHeaderSize(MAX_HEADER_BYTES); // larger headers: 431 from Jetty
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                connector.setHost(config.host());
                connector.setPort(config.port());
                connector.setAcceptQueueSize(ACCEPT_QUEUE); // bursts of new clients wait instead of being reset
                return connector;
            });
            OriginGuard origins = new OriginGuard(config.allowedHosts(), config.allowedOrigins());
            c.routes.before(ctx -> {
                // the guards in order; the first that refuses has written the answer
                boolean admitted = clientAddress.admit(ctx)
                        && headers.admit(ctx)
                        && (!isMcpPath(ctx.path()) || origins.admit(ctx))
                        && notDraining(ctx)
                        && access.admit(ctx)
                        && rateLimits.admit(ctx);
                if (!admitted) {
                    ctx.skipRemainingHandlers();
                }
            });
            c.routes.after(ctx -> {
                if (Surface.of(ctx.path()) == Surface.ADMIN_API && !ctx.method().name().equals("GET")
                        && ctx.statusCode() != 401 && ctx.statusCode() != 403 && ctx.statusCode() != 429) {
                    audit.registryChange(Principal.of(ctx).subject(), ctx.method().name(), ctx.path(), ctx.statusCode());
                }
            });
            c.routes.get("/.well-known/oauth-protected-resource", resourceMetadata::serve);
            c.routes.get("/.well-known/oauth-protected-resource/*", resourceMetadata::serve);
            new TokensApi(tokens).routes(c.routes);
            c.routes.get("/admin", new AdminPage(federation, version)::serve);
            new GatewaysApi(gateways).routes(c.routes);
            new ServersApi(servers, federation).routes(c.routes);
            new CatalogApi(federation, toolStates).routes(c.routes);
            new RestToolsApi(restTools).routes(c.routes);
            new LocalItemsApi(localItems).routes(c.routes);
            new TransferApi(new RegistryTransfer(gateways, servers, toolStates, restTools, localItems, federation::setDisabledTools, clock)).routes(c.routes);
            c.routes.post("/rpc", plainRpc::post);
            c.routes.get("/openapi.json", ops::openApi);
            c.routes.get("/health", ops::health);
            c.routes.get("/ready", ops::ready);
            c.routes.get("/version", ops::version);
            c.routes.get("/metrics", ops::metrics);
            mcpRoutes(c.routes, "", ctx -> Catalog.ALL, streamable, legacy);
            mcpRoutes(c.routes, "/servers/{name}", ctx -> Catalog.serverScope(servers.nameOf(ctx.pathParam("name"))), streamable, legacy);
            mcpRoutes(c.routes, "/gateways/{name}", ctx -> Catalog.gatewayScope(ctx.pathParam("name")), streamable, legacy);
        });
        try {
            app.start(); // first, so a taken port fails before any upstream process is spawned
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        federation.start();
        explainAuthentication(security);
        LOG.info("forge {} listening on {}:{} with {} upstream(s)", version, config.host(), port(), config.gateways().size());
    }

    private boolean notDraining(Context ctx) {
        if (!draining || OPS_PATHS.contains(ctx.path())) {
            return true;
        }
        ctx.header("Retry-After", "5");
        ctx.status(503).contentType("application/json").result(Json.bytes(Message.error(null,
                new JsonRpcError(JsonRpcError.UPSTREAM_UNAVAILABLE, "Service Unavailable: the gateway is shutting down")).node()));
        return false;
    }

    /** One line at start that says who will be served and, when it matters, how to change it. */
    private static void explainAuthentication(SecurityConfig security) {
        if (!security.authRequired()) {
            LOG.warn("AUTH_REQUIRED=false: every client is served without a token, with full rights; "
                    + "run this only behind a proxy that authenticates");
        } else if (!security.hasTokenKeys()) {
            LOG.warn("no JWT_SECRET or JWT_JWKS_URL: only loopback clients are served (without a token); remote "
                    + "clients get 401. Set JWT_SECRET (make generate-secrets writes one) to serve them");
        } else {
            LOG.info("authentication required ({}); get a token with: bin/forge token create --name me --sub me --role admin",
                    security.jwtSecret() != null && security.jwksUrl() != null ? "JWT_SECRET and JWT_JWKS_URL"
                            : security.jwtSecret() != null ? "JWT_SECRET" : "JWT_JWKS_URL");
        }
    }

    private static void mcpRoutes(io.javalin.config.RoutesConfig routes, String base,
                                  java.util.function.Function<Context, String> scope,
                                  StreamableHttpEndpoint streamable, LegacySseEndpoint legacy) {
        routes.post(base + "/mcp", ctx -> streamable.post(ctx, scope.apply(ctx)));
        routes.get(base + "/mcp", ctx -> streamable.get(ctx, scope.apply(ctx)));
        routes.delete(base + "/mcp", ctx -> streamable.delete(ctx, scope.apply(ctx)));
        routes.get(base + "/sse", ctx -> legacy.stream(ctx, scope.apply(ctx)));
        routes.post(base + "/message", ctx -> legacy.message(ctx, scope.apply(ctx)));
    }

    private boolean scopeExists(String scope) {
        return federation.catalog().view(scope) != null;
    }

    private static boolean isMcpPath(String path) {
        return path.endsWith("/mcp") || path.endsWith("/sse") || path.endsWith("/message") || path.equals("/rpc");
    }

    private int callsInFlight() {
        return sessions.all().stream().mapToInt(ClientSession::inFlightCount).sum();
    }

    /** True once shutdown has begun: /ready answers 503 and MCP requests are refused. */
    public boolean draining() {
        return draining;
    }

    public static Gateway start(ForgeConfig config) throws Exception {
        return new Gateway(config);
    }

    public int port() {
        return app.port();
    }

    public Federation federation() {
        return federation;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public ForgeConfig config() {
        return config;
    }

    /**
     * Stops gracefully: new requests get 503 at once, calls in flight get {@link #SHUTDOWN_GRACE} to finish, then
     * client sessions end (closing their upstream sessions), upstreams are closed politely and their processes
     * stopped.
     */
    @Override
    public void close() {
        draining = true;
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        while (callsInFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // bounded drain; nothing to wait on but the calls themselves
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (callsInFlight() > 0) {
            LOG.warn("stopping with {} calls still in flight after {} s", callsInFlight(), SHUTDOWN_GRACE.toSeconds());
        }
        try {
            app.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping the HTTP server failed", e);
        }
        sessions.close();
        federation.close();
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("stopping the HTTP client failed", e);
        }
        scheduler.shutdownNow();
        if (redis != null) {
            redis.close();
        }
        if (audit != null) {
            audit.close();
        }
        database.close();
    }
}
