package dev.forge;

import dev.forge.api.CatalogApi;
import dev.forge.api.TaskRouting;
import dev.forge.api.TokensApi;
import dev.forge.config.UpstreamPolicy;
import dev.forge.config.VirtualServerConfig;
import dev.forge.dispatch.MetaTools;
import dev.forge.dispatch.OwnerBound;
import dev.forge.dispatch.Routing;
import dev.forge.router.Reranker;
import dev.forge.router.RouterApi;
import dev.forge.router.RouterMetaTools;
import dev.forge.router.ToolRouter;
import dev.forge.store.FeedbackRepository;
import java.util.concurrent.atomic.AtomicReference;
import dev.forge.config.ConfigException;
import dev.forge.config.ServerRole;
import dev.forge.config.ServiceConfig;
import dev.forge.services.ServiceSupervisor;
import dev.forge.services.ServicesApi;
import dev.forge.api.AdminPage;
import dev.forge.audit.AuditedHandler;
import dev.forge.store.SecretBox;
import dev.forge.upstream.AddressPolicy;
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
import dev.forge.transport.Batches;
import dev.forge.transport.JsonErrors;
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
import dev.forge.cluster.Announcements;
import dev.forge.cluster.ClusterSessionStore;
import dev.forge.cluster.PostgresAnnouncements;
import dev.forge.cluster.RedisAnnouncements;
import dev.forge.cluster.RegistrySync;
import dev.forge.catalog.RemoteDirectory;
import dev.forge.config.ForgeConfig;
import dev.forge.dispatch.FederatedHandler;
import dev.forge.dispatch.McpHandler;
import dev.forge.dispatch.TaskRoutes;
import dev.forge.observe.MeteredHandler;
import dev.forge.observe.UpstreamMetrics;
import dev.forge.session.ClientSession;
import dev.forge.session.InMemorySessionStore;
import dev.forge.session.ListChangeNotifier;
import dev.forge.session.ResourceUpdateNotifier;
import dev.forge.session.SessionStore;
import dev.forge.store.Database;
import dev.forge.transport.LegacySseEndpoint;
import dev.forge.transport.OwnerHop;
import dev.forge.transport.StreamableHttpEndpoint;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The assembly: wires configuration, upstreams, catalog, sessions, decorators and HTTP routes in one place. */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final int PAGE_SIZE = 100;
    /** How long calls in flight may take to finish once shutdown starts. */
    private static final java.time.Duration SHUTDOWN_GRACE = java.time.Duration.ofSeconds(10);

    private final ForgeConfig config;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Federation federation;
    private final SessionStore sessions;
    /** The gateway's listener (null when this process runs only the service manager). */
    private final Javalin app;
    /** The service manager's listener (null when this process does not run it). */
    private final Javalin managerApp;
    /** The tool router's listener (null when this process does not run it). */
    private final Javalin routerApp;
    private final ServiceSupervisor supervisor;
    private final RemoteDirectory directory;
    private final Database database;
    private final Security security;
    /** What keeps this replica's registry equal to the others' (null when the gateway role does not run here). */
    private final RegistrySync registrySync;
    /** A tool router on its own hears the registry's announcements too, to read the gateway's list at once. */
    private Announcements routerHears = Announcements.NONE;
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
        // the operator's own Forge processes (a separate service manager, the gateway a lone tool router indexes) are
        // trusted wherever they are
        java.util.Set<String> ownHosts = new java.util.HashSet<>();
        if (config.serviceManager().dynamicServices()) {
            ownHosts.add(config.serviceManager().managerUrl().getHost());
        }
        if (config.runs(ServerRole.TOOL_ROUTER) && !config.runs(ServerRole.GATEWAY)) {
            ownHosts.add(config.router().gatewayUrl().getHost());
        }
        AddressPolicy addresses = new AddressPolicy(config.security().ssrfAllowPrivate(), config.security().ssrfAllowLocalhost(),
                java.util.Set.copyOf(ownHosts));
        http.setSocketAddressResolver(addresses); // the SSRF guard judges every address Forge connects to upstream
        http.start();

        SecretBox secrets = SecretBox.of(config.security().encryptionKey(), config.security().previousEncryptionKey(),
                config.security().production());
        if (!secrets.encrypts()) {
            LOG.warn("FORGE_ENCRYPTION_KEY is not set: upstream credentials are {}", config.security().production()
                    ? "refused (production never stores them in the clear)" : "stored unencrypted (development)");
        }
        GatewayRegistry gateways = new GatewayRegistry(new GatewayRepository(database, clock, secrets), config.requestTimeout(),
                config.connectTimeout(), addresses);
        ServerRegistry servers = new ServerRegistry(new ServerRepository(database, clock));
        RestToolRegistry restTools = new RestToolRegistry(new RestToolRepository(database, clock, secrets), config.requestTimeout(),
                addresses);
        LocalItemRegistry localItems = new LocalItemRegistry(new LocalItemRepository(database, clock), config.requestTimeout());
        List<UpstreamConfig> upstreams = new ArrayList<>();
        boolean routing = config.runs(ServerRole.TOOL_ROUTER);
        List<ServiceConfig> services = config.runs(ServerRole.SERVICE_MANAGER) ? config.serviceManager().services() : List.of();
        gateways.reserve(RouterMetaTools.UPSTREAM, RouterMetaTools.OWNER);
        services.forEach(service -> gateways.reserve(service.name(), "the managed service '" + service.name() + "' (services.yml)"));
        if (config.runs(ServerRole.GATEWAY)) { // a tool router alone indexes the gateway's upstreams through it (below)
            upstreams.addAll(gateways.bootstrap(config.gateways()));
            if (!restTools.isEmpty()) {
                upstreams.add(restTools.upstreamConfig());
            }
            if (!localItems.isEmpty()) {
                upstreams.add(localItems.upstreamConfig());
            }
        }
        for (ServiceConfig service : services) {
            if (upstreams.stream().anyMatch(u -> u.name().equals(service.name()))) {
                throw new ConfigException("services.yml: service '" + service.name()
                        + "' has the name of a gateway (expected: names unique across gateways and services)");
            }
            upstreams.add(service.upstream());
        }
        FeedbackRepository feedback = new FeedbackRepository(database, clock);
        AtomicReference<Federation> federationRef = new AtomicReference<>();
        // the gateway keeps its own index too, so POST /tools {"task"} answers without the tool-router role; the
        // meta-tools and the router's virtual server belong to that role
        ToolRouter router = !(routing || config.runs(ServerRole.GATEWAY)) ? null : new ToolRouter(() -> federationRef.get().catalog(), feedback, Reranker.NONE,
                RouterMetaTools.UPSTREAM, clock);
        RouterMetaTools metaTools = !routing ? null : new RouterMetaTools(router, () -> federationRef.get().catalog(),
                config.separator());
        List<VirtualServerConfig> declaredServers = new ArrayList<>(config.servers());
        if (metaTools != null) {
            if (upstreams.stream().anyMatch(u -> u.name().equals(RouterMetaTools.UPSTREAM))) {
                throw new ConfigException("gateways: the name '" + RouterMetaTools.UPSTREAM
                        + "' is the tool router's own (expected: another name)");
            }
            upstreams.add(new UpstreamConfig.Meta(RouterMetaTools.UPSTREAM, UpstreamPolicy.of(config.requestTimeout(),
                    dev.forge.config.SessionMode.SHARED), metaTools));
            servers.builtIn(config.router().serverName(), "the tool router's meta-tools");
            if (declaredServers.stream().noneMatch(v -> v.name().equals(config.router().serverName()))) {
                declaredServers.add(new VirtualServerConfig(config.router().serverName(), metaTools.namespacedNames(), List.of(), List.of()));
            }
        }
        ForgeConfig registered = config.withGateways(upstreams).withServers(servers.bootstrap(declaredServers));
        this.federation = new Federation(registered, http, scheduler, version);
        federationRef.set(federation);
        gateways.attach(federation);
        servers.attach(federation);
        restTools.attach(federation);
        localItems.attach(federation);
        ToolStateRepository toolStates = new ToolStateRepository(database, clock);
        federation.setDisabledTools(toolStates.disabled());
        this.security = new Security(config.security(), config.allowedOrigins(), database, servers::nameOf, scheduler,
                config.connectTimeout(), clock);
        InMemorySessionStore here = new InMemorySessionStore(clock, config.sessionIdleTimeout(),
                config.security().maxSessionsPerPrincipal(), scheduler);
        // with Redis, any replica serves any session; without, sessions are this process's own
        this.sessions = security.redis() == null ? here
                : new ClusterSessionStore(here, security.redis(), config.sessionIdleTimeout(), () -> advertised(config.host(), port()));
        federation.onCatalogChange(new ListChangeNotifier(sessions, federation.catalog()));
        federation.onRoutedNotification(new ResourceUpdateNotifier(sessions));
        TaskRoutes tasks = new TaskRoutes(sessions);
        federation.onRoutedNotification(tasks);
        sessions.onClose(session -> federation.closeSession(session.id()));

        PrometheusMeterRegistry prometheus = config.prometheusEnabled() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        MeterRegistry registry = prometheus != null ? prometheus : new CompositeMeterRegistry();
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        UpstreamMetrics upstreamMetrics = new UpstreamMetrics(registry);
        federation.onMembership(upstreamMetrics::added, upstreamMetrics::removed);


        // a tools/call's route is resolved once, at the entry, and carried through the decorators to the dispatcher
        McpHandler handler = new Routing(federation, new AuditedHandler(new MeteredHandler(new FederatedHandler(federation,
                tasks, PAGE_SIZE, version, metaTools == null ? MetaTools.NONE : metaTools), registry), security.audit));
        OwnerHop ownerHop = security.redis() == null ? OwnerHop.NONE : new OwnerHop(sessions, new OwnerBound(federation),
                java.net.http.HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build(), config.requestTimeout().plusSeconds(5));
        StreamableHttpEndpoint streamable = new StreamableHttpEndpoint(handler, sessions, this::scopeExists, config.requestTimeout(),
                new Batches(config.security().batches(), security.rateLimits::admitBatch), ownerHop);
        LegacySseEndpoint legacy = new LegacySseEndpoint(handler, sessions, this::scopeExists, ownerHop);
        PlainRpcEndpoint plainRpc = new PlainRpcEndpoint(handler, sessions, config.requestTimeout());
        OpsEndpoints ops = new OpsEndpoints(federation, prometheus, clock, version, this::draining,
                () -> java.util.Map.of("gateways", gateways.invalid(), "rest_tools", restTools.invalid(), "local_items", localItems.invalid(),
                        "servers", servers.invalid()));

        this.registrySync = !config.runs(ServerRole.GATEWAY) ? null : new RegistrySync(announcements(database, security),
                List.of(gateways::reconcile, servers::reconcile, restTools::reconcile, localItems::reconcile,
                        () -> federation.setDisabledTools(toolStates.disabled())));
        this.supervisor = config.runs(ServerRole.SERVICE_MANAGER) ? new ServiceSupervisor(federation, scheduler, clock) : null;
        services.forEach(service -> supervisor.manage(service));
        Listeners listeners = new Listeners(security, new OriginGuard(config.allowedHosts(), config.allowedOrigins()),
                this::draining, registrySync == null ? () -> {} : registrySync::changed);
        String root = config.rootUpstream() == null ? Catalog.ALL : Catalog.gatewayScope(config.rootUpstream());
        this.app = !config.runs(ServerRole.GATEWAY) ? null : listeners.create(config.host(), config.port(), root, routes -> {
            // first: a request's route is found by trying the routes in order, and the MCP ones are the hot path
            Listeners.mcpRoutes(routes, "", ctx -> root, streamable, legacy);
            Listeners.mcpRoutes(routes, "/servers/{name}", ctx -> Catalog.serverScope(servers.nameOf(ctx.pathParam("name"))), streamable, legacy);
            Listeners.mcpRoutes(routes, "/gateways/{name}", ctx -> Catalog.gatewayScope(ctx.pathParam("name")), streamable, legacy);
            new TokensApi(security.tokens).routes(routes);
            routes.get("/admin", new AdminPage(federation, version)::serve);
            new GatewaysApi(gateways).routes(routes);
            new ServersApi(servers, federation).routes(routes);
            new CatalogApi(federation, toolStates).routes(routes);
            new RestToolsApi(restTools, router == null ? TaskRouting.NONE : new RouterApi(router)::routeTask).routes(routes);
            new LocalItemsApi(localItems).routes(routes);
            new TransferApi(new RegistryTransfer(gateways, servers, toolStates, restTools, localItems, federation::setDisabledTools, clock)).routes(routes);
            Listeners.rpcRoute(routes, plainRpc::post);
            Listeners.opsRoutes(routes, ops);
        });
        String routerScope = Catalog.serverScope(config.router().serverName());
        this.routerApp = !routing ? null : listeners.create(config.host(), config.router().port(), routerScope, routes -> {
            Listeners.opsRoutes(routes, ops);
            new RouterApi(router).routes(routes);
            Listeners.mcpRoutes(routes, "", ctx -> routerScope, streamable, legacy);
        });
        this.managerApp = supervisor == null ? null : listeners.create(config.host(), config.serviceManager().port(), Catalog.ALL, routes -> {
            Listeners.opsRoutes(routes, ops);
            new ServicesApi(federation, supervisor, config.requestTimeout(), clock).routes(routes);
            Listeners.mcpRoutes(routes, "/services/{name}", ctx -> Catalog.gatewayScope(ctx.pathParam("name")), streamable, legacy);
        });
        try {
            // first, so a taken port fails before any upstream process is spawned
            for (Javalin listener : java.util.Arrays.asList(app, managerApp, routerApp)) {
                if (listener != null) {
                    listener.start();
                    // requests Jetty refuses before routing (headers too large) get the same JSON shape as the rest
                    listener.jettyServer().server().setErrorHandler(new JsonErrors(Listeners.MAX_HEADER_BYTES));
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (config.runs(ServerRole.GATEWAY) && !config.runs(ServerRole.SERVICE_MANAGER) && config.serviceManager().dynamicServices()) {
            String credential = security.tokens.internal("forge-gateway", java.time.Duration.ofDays(366));
            this.directory = RemoteDirectory.ofServiceManager(config.serviceManager().managerUrl(), http, federation,
                    () -> credential, config.requestTimeout());
        } else if (routing && !config.runs(ServerRole.GATEWAY)) {
            String credential = security.tokens.internal("forge-tool-router", java.time.Duration.ofDays(366));
            this.directory = RemoteDirectory.ofGateway(config.router().gatewayUrl(), java.util.Set.of(RouterMetaTools.UPSTREAM),
                    http, federation, () -> credential, config.requestTimeout());
        } else {
            this.directory = null;
        }
        federation.start(services.stream().filter(service -> !service.autoStart()).map(ServiceConfig::name)
                .collect(java.util.stream.Collectors.toSet()));
        if (directory != null) {
            directory.start(scheduler);
        }
        if (routing && !config.runs(ServerRole.GATEWAY) && directory != null) {
            // a registry change reaches the index in a second or two instead of at the next reading (every 15 s): read
            // the gateway's list soon after each announcement, and once more when its replicas have surely applied it
            RemoteDirectory gatewayList = directory;
            routerHears = announcements(database, security);
            routerHears.listen(() -> {
                for (long delay : new long[] {300, 2_000}) {
                    scheduler.schedule(() -> Thread.ofVirtual().name("remote-directory").start(gatewayList::sync),
                            delay, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            });
        }
        if (registrySync != null) {
            registrySync.start(scheduler);
        }
        if (router != null) {
            federation.onCatalogChange(catalog -> router.catalogChanged());
            router.catalogChanged();
        }
        if (routerApp != null) {
            LOG.info("forge {} tool router listening on {}:{} (meta-tools at /mcp there and at /servers/{}/mcp)", version,
                    config.host(), routerApp.port(), config.router().serverName());
        }
        if (app != null) {
            LOG.info("forge {} gateway listening on {}:{} with {} upstream(s)", version, config.host(), app.port(),
                    federation.upstreams().size());
        }
        if (managerApp != null) {
            LOG.info("forge {} service manager listening on {}:{} with {} service(s)", version, config.host(),
                    managerApp.port(), services.size());
        }
    }

    /**
     * Where the other replicas reach this one: its own address when it listens on one, else (all interfaces, as in a
     * container) the address its host name resolves to on the network it shares with them.
     */
    private static java.net.URI advertised(String listening, int port) {
        String host = listening;
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostAddress();
            } catch (java.net.UnknownHostException e) {
                host = "127.0.0.1";
            }
        }
        return java.net.URI.create("http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port);
    }

    /** Replicas share their database: PostgreSQL carries the announcements itself, else Redis if there is one. */
    private static Announcements announcements(Database database, Security security) {
        if (database.url().kind() == dev.forge.config.DatabaseUrl.Kind.POSTGRESQL) {
            return new PostgresAnnouncements(database);
        }
        return security.redis() != null ? new RedisAnnouncements(security.redis()) : Announcements.NONE;
    }

    private boolean scopeExists(String scope) {
        return federation.catalog().view(scope) != null;
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

    /** The gateway's port, or the service manager's when only that runs. */
    public int port() {
        return app != null ? app.port() : managerApp != null ? managerApp.port() : routerApp.port();
    }

    /** The tool router's port; -1 when this process does not run it. */
    public int toolRouterPort() {
        return routerApp == null ? -1 : routerApp.port();
    }

    /** The service manager's port; -1 when this process does not run it. */
    public int serviceManagerPort() {
        return managerApp == null ? -1 : managerApp.port();
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
        for (Javalin listener : java.util.Arrays.asList(app, managerApp, routerApp)) {
            try {
                if (listener != null) {
                    listener.stop();
                }
            } catch (RuntimeException e) {
                LOG.warn("stopping an HTTP listener failed", e);
            }
        }
        if (supervisor != null) {
            supervisor.close();
        }
        if (directory != null) {
            directory.close();
        }
        if (registrySync != null) {
            registrySync.close();
        }
        routerHears.close();
        sessions.close();
        federation.close();
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("stopping the HTTP client failed", e);
        }
        scheduler.shutdownNow();
        if (security != null) {
            security.close();
        }
        database.close();
    }
}
