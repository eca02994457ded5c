package dev.forge;

import dev.forge.catalog.Federation;
import dev.forge.config.ConfigException;
import dev.forge.config.ForgeConfig;
import dev.forge.config.ServerRole;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.VirtualServerConfig;
import dev.forge.dispatch.MetaTools;
import dev.forge.config.RouterConfig;
import dev.forge.router.Embedder;
import dev.forge.router.MiniLmEmbedder;
import dev.forge.router.RemoteEmbedder;
import dev.forge.router.RemoteReranker;
import dev.forge.router.Reranker;
import dev.forge.router.RouterMetaTools;
import dev.forge.router.ToolRouter;
import dev.forge.session.SessionStore;
import dev.forge.store.FeedbackRepository;
import dev.forge.store.VectorRepository;
import dev.forge.transport.JsonErrors;
import dev.forge.transport.OriginGuard;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code forge serve}: composes the roles this process runs (gateway, service manager, tool router) over what they
 * share ({@link Foundation}: configuration, database, HTTP client, security) and one federation of upstreams, served to
 * clients through one {@link McpEdge}. Each role owns its parts, its routes and its listener.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** How long calls in flight may take to finish once shutdown starts. */
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final Foundation foundation;
    private final GatewayRole gatewayRole;
    /** Each MCP listener's port, by name, once all listen (empty before). */
    private volatile Map<String, Integer> listening = Map.of();
    private final ServiceManagerRole managerRole;
    private final ToolRouterRole routerRole;
    private final Federation federation;
    private final McpEdge edge;
    /** The tool router's embedding model, or null; closed with the gateway (an in-process model's memory is native). */
    private final Embedder embedder;
    /** Every listener of the roles run here, started together, stopped together. */
    private final List<Javalin> listeners = new ArrayList<>();
    private volatile boolean draining;

    private Gateway(ForgeConfig config) throws Exception {
        this.foundation = Foundation.open(config);
        Foundation f = foundation;
        try {
            foundation.gateways.reserve(RouterMetaTools.UPSTREAM, RouterMetaTools.OWNER); // whatever roles run here
            // each role claims its names before the registry is read, then says what to federate
            this.managerRole = config.runs(ServerRole.SERVICE_MANAGER) ? new ServiceManagerRole(f) : null;
            this.routerRole = config.runs(ServerRole.TOOL_ROUTER) ? new ToolRouterRole(f) : null;
            this.gatewayRole = config.runs(ServerRole.GATEWAY) ? new GatewayRole(f) : null;
            List<UpstreamConfig> upstreams = new ArrayList<>(gatewayRole == null ? List.of() : gatewayRole.upstreams());
            if (managerRole != null) {
                for (UpstreamConfig service : managerRole.upstreams()) {
                    if (upstreams.stream().anyMatch(u -> u.name().equals(service.name()))) {
                        throw new ConfigException("services.yml: service '" + service.name()
                                + "' has the name of a gateway (expected: names unique across gateways and services)");
                    }
                    upstreams.add(service);
                }
            }
            if (routerRole != null && upstreams.stream().anyMatch(u -> u.name().equals(RouterMetaTools.UPSTREAM))) {
                throw new ConfigException("gateways: the name '" + RouterMetaTools.UPSTREAM + "' is the tool router's own (expected: another name)");
            }
            List<VirtualServerConfig> declared = new ArrayList<>(config.servers());
            if (routerRole != null) {
                routerRole.server(declared).ifPresent(declared::add);
            }
            this.federation = new Federation(config.withGateways(upstreams).withServers(f.servers.bootstrap(declared)), f.http,
                    f.scheduler, f.version);
            federation.setDisabledTools(f.toolStates.disabled()); // an operator's switches hold whatever roles run
            // the gateway keeps its own index too, so POST /tools {"task"} answers without the tool-router role; the
            // meta-tools and the router's virtual server belong to that role
            RouterConfig routing = config.router();
            boolean routes = routerRole != null || gatewayRole != null;
            // an endpoint's model when one is configured, else the one in-process; none when turned off
            this.embedder = !routes || !routing.embeddings() ? null
                    : routing.remoteEmbeddings() != null ? new RemoteEmbedder(routing.remoteEmbeddings()) : new MiniLmEmbedder();
            ToolRouter router = !routes ? null : new ToolRouter(federation::catalog,
                    new FeedbackRepository(f.database, f.clock),
                    routing.reranker() != null ? new RemoteReranker(routing.reranker()) : Reranker.NONE,
                    RouterMetaTools.UPSTREAM, f.clock, embedder, new VectorRepository(f.database, f.clock));
            MetaTools metaTools = routerRole == null ? MetaTools.NONE : routerRole.attach(federation, router);
            if (gatewayRole != null) {
                gatewayRole.attach(federation);
            }
            if (managerRole != null) {
                managerRole.attach(federation);
            }
            this.edge = new McpEdge(f, federation, metaTools, () -> listening, this::draining);

            Listeners shared = new Listeners(f.security, new OriginGuard(config.allowedHosts(), config.allowedOrigins()),
                    this::draining, gatewayRole == null ? () -> {} : gatewayRole::registryChanged, f.tls);
            if (gatewayRole != null) {
                listeners.add(gatewayRole.listener(shared, edge, federation, router, managerRole == null ? null : managerRole.services()));
            }
            if (managerRole != null) {
                listeners.add(managerRole.listener(shared, edge, federation));
            }
            if (routerRole != null) {
                listeners.add(routerRole.listener(shared, edge, router));
            }
            // first, so a taken port fails before any upstream process is spawned
            for (Javalin listener : listeners) {
                listener.start();
                // requests Jetty refuses before routing (headers too large) get the same JSON shape as the rest
                listener.jettyServer().server().setErrorHandler(new JsonErrors(Listeners.MAX_HEADER_BYTES));
            }
            Map<String, Integer> ports = new java.util.LinkedHashMap<>();
            if (gatewayRole != null) ports.put(McpEdge.GATEWAY_LISTENER, gatewayRole.port());
            if (managerRole != null) ports.put(McpEdge.SERVICE_MANAGER_LISTENER, managerRole.port());
            if (routerRole != null) ports.put(McpEdge.TOOL_ROUTER_LISTENER, routerRole.port());
            this.listening = Map.copyOf(ports);
            if (managerRole == null) {
                federation.start(Set.of());
            } else {
                federation.start(managerRole.notStarted(), managerRole::startTier);
            }
            if (gatewayRole != null) {
                gatewayRole.start(federation);
            }
            if (routerRole != null) {
                routerRole.start(federation);
            }
            if (router != null) {
                federation.onCatalogChange(catalog -> router.catalogChanged());
                router.catalogChanged();
            }
            if (routerRole != null) {
                LOG.info("forge {} tool router listening on {}:{} (meta-tools at /mcp there and at /servers/{}/mcp)", f.version,
                        config.host(), routerRole.port(), config.router().serverName());
            }
            if (gatewayRole != null) {
                LOG.info("forge {} gateway listening on {}:{} with {} upstream(s)", f.version, config.host(), gatewayRole.port(),
                        federation.upstreams().size());
            }
            if (managerRole != null) {
                LOG.info("forge {} service manager listening on {}:{} with {} service(s)", f.version, config.host(),
                        managerRole.port(), managerRole.serviceCount());
            }
        } catch (Exception | Error e) { // a name taken twice, a port taken: nothing is left running
            close();
            throw e;
        }
    }

    /** True once shutdown has begun: /ready answers 503 and MCP requests are refused. */
    public boolean draining() {
        return draining;
    }

    public static Gateway start(ForgeConfig config) throws Exception {
        return new Gateway(config);
    }

    /** The gateway's port, or the service manager's when only that runs, or the tool router's. */
    public int port() {
        return gatewayRole != null ? gatewayRole.port() : managerRole != null ? managerRole.port() : routerRole.port();
    }

    /** The tool router's port; -1 when this process does not run it. */
    public int toolRouterPort() {
        return routerRole == null ? -1 : routerRole.port();
    }

    /** The service manager's port; -1 when this process does not run it. */
    public int serviceManagerPort() {
        return managerRole == null ? -1 : managerRole.port();
    }

    public Federation federation() {
        return federation;
    }

    public SessionStore sessions() {
        return edge.sessions;
    }

    public ForgeConfig config() {
        return foundation.config;
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
        while (edge != null && edge.callsInFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // bounded drain; nothing to wait on but the calls themselves
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (edge != null && edge.callsInFlight() > 0) {
            LOG.warn("stopping with {} calls still in flight after {} s", edge.callsInFlight(), SHUTDOWN_GRACE.toSeconds());
        }
        for (Javalin listener : listeners) {
            try {
                listener.stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping an HTTP listener failed", e);
            }
        }
        for (AutoCloseable role : new AutoCloseable[] {managerRole, gatewayRole, routerRole}) {
            try {
                if (role != null) {
                    role.close();
                }
            } catch (Exception e) {
                LOG.warn("stopping a role failed", e);
            }
        }
        if (edge != null) {
            edge.close();
        }
        if (federation != null) {
            federation.close();
        }
        if (embedder != null) {
            embedder.close();
        }
        foundation.close();
    }
}
