package dev.forge;

import dev.forge.api.OpsEndpoints;
import dev.forge.audit.AuditedHandler;
import dev.forge.catalog.Federation;
import dev.forge.cluster.ClusterSessionStore;
import dev.forge.config.ForgeConfig;
import dev.forge.dispatch.FederatedHandler;
import dev.forge.dispatch.McpHandler;
import dev.forge.dispatch.MetaTools;
import dev.forge.dispatch.OwnerBound;
import dev.forge.dispatch.Routing;
import dev.forge.dispatch.TaskRoutes;
import dev.forge.observe.MeteredHandler;
import dev.forge.observe.UpstreamMetrics;
import dev.forge.session.ClientSession;
import dev.forge.session.InMemorySessionStore;
import dev.forge.session.ListChangeNotifier;
import dev.forge.session.ResourceUpdateNotifier;
import dev.forge.session.Subscribers;
import dev.forge.session.SessionStore;
import dev.forge.transport.Batches;
import dev.forge.transport.LegacySseEndpoint;
import dev.forge.transport.OwnerHop;
import dev.forge.transport.PlainRpcEndpoint;
import dev.forge.transport.StreamableHttpEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What serves MCP to clients, the same behind every role's listener: the client sessions (shared by the cluster with
 * Redis), the pipeline of one request (routing, audit, metrics, dispatch), the transports, the operations endpoints.
 */
final class McpEdge implements AutoCloseable {

    private static final int PAGE_SIZE = 100;

    final SessionStore sessions;
    final StreamableHttpEndpoint streamable;
    final LegacySseEndpoint legacy;
    final PlainRpcEndpoint plainRpc;
    /** Requests made in the gateway on a principal's behalf (the console trying a tool), through the same pipeline. */
    final dev.forge.transport.LocalCalls localCalls;
    final OpsEndpoints ops;

    /** The names of the MCP listeners, as replicas tell each other where theirs are. */
    static final String GATEWAY_LISTENER = "gateway";
    static final String SERVICE_MANAGER_LISTENER = "service-manager";
    static final String TOOL_ROUTER_LISTENER = "tool-router";

    /** Forge's own meters: what /metrics exposes and the console reads. */
    final MeterRegistry meters;

    /** @param listening each MCP listener's port by name, once all listen (where the other replicas reach this one) */
    McpEdge(Foundation f, Federation federation, MetaTools metaTools, Supplier<Map<String, Integer>> listening,
            BooleanSupplier draining) {
        ForgeConfig config = f.config;
        InMemorySessionStore here = new InMemorySessionStore(f.clock, config.sessionIdleTimeout(),
                config.security().maxSessionsPerPrincipal(), f.scheduler);
        // with Redis, any replica serves any session; without, sessions are this process's own
        this.sessions = f.security.redis() == null ? here : new ClusterSessionStore(here, f.security.redis(),
                config.sessionIdleTimeout(), () -> advertised(config.tls().scheme(), config.host(), listening.get()));
        Subscribers subscribers = new Subscribers(); // modern clients' listen streams, kept by no session store
        federation.onCatalogChange(new ListChangeNotifier(sessions, subscribers, federation.catalog()));
        federation.onRoutedNotification(new ResourceUpdateNotifier(sessions, subscribers));
        TaskRoutes tasks = new TaskRoutes(sessions);
        federation.onRoutedNotification(tasks);
        sessions.onClose(session -> federation.closeSession(session.id()));

        PrometheusMeterRegistry prometheus = config.prometheusEnabled() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        // metrics off still counts: the console shows each upstream's calls from these meters
        MeterRegistry registry = prometheus != null ? prometheus : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        this.meters = registry;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        UpstreamMetrics upstreamMetrics = new UpstreamMetrics(registry);
        federation.onMembership(upstreamMetrics::added, upstreamMetrics::removed);

        // a tools/call's route is resolved once, at the entry, and carried through the decorators to the dispatcher
        dev.forge.dispatch.RoutedHandler audited = new AuditedHandler(new MeteredHandler(new FederatedHandler(federation,
                tasks, PAGE_SIZE, f.version, metaTools), registry), f.security.audit);
        // traced around the audit, so that a call's audit line carries its trace id
        McpHandler handler = new Routing(federation, f.tracing.on() ? new dev.forge.observe.TracedHandler(audited, f.tracing) : audited);
        OwnerHop ownerHop = f.security.redis() == null ? OwnerHop.NONE : new OwnerHop(sessions, new OwnerBound(federation),
                java.net.http.HttpClient.newBuilder().connectTimeout(config.connectTimeout())
                        .sslContext(f.tls.clientContext()).build(), localPort -> listenerOn(listening.get(), localPort), // replicas serve HTTPS alike
                config.requestTimeout());
        java.util.function.Predicate<String> scopeExists = scope -> federation.catalog().view(scope) != null;
        this.streamable = new StreamableHttpEndpoint(handler, sessions, scopeExists, config.requestTimeout(),
                new Batches(config.security().batches(), f.security.rateLimits::admitBatch), ownerHop, subscribers,
                config.taskAfter());
        this.legacy = new LegacySseEndpoint(handler, sessions, scopeExists, ownerHop);
        this.plainRpc = new PlainRpcEndpoint(handler, sessions, config.requestTimeout());
        this.localCalls = new dev.forge.transport.LocalCalls(handler, sessions, config.requestTimeout());
        this.ops = new OpsEndpoints(federation, prometheus, f.clock, f.version, draining,
                () -> Map.of("gateways", f.gateways.invalid(), "rest_tools", f.restTools.invalid(), "local_items", f.localItems.invalid(),
                        "servers", f.servers.invalid()));
    }

    /** Client requests being answered, over every session. */
    int callsInFlight() {
        return sessions.all().stream().mapToInt(ClientSession::inFlightCount).sum();
    }

    /**
     * Where the other replicas reach this one: its own address when it listens on one, else (all interfaces, as in a
     * container) the address its host name resolves to on the network it shares with them.
     */
    /** Where the other replicas reach each of this one's listeners; empty until they listen. */
    private static Map<String, URI> advertised(String scheme, String listeningHost, Map<String, Integer> ports) {
        Map<String, URI> urls = new java.util.LinkedHashMap<>();
        ports.forEach((name, port) -> urls.put(name, advertised(scheme, listeningHost, port)));
        return urls;
    }

    /** The name of the listener on this local port (a request's own), the gateway's if none. */
    private static String listenerOn(Map<String, Integer> ports, int localPort) {
        return ports.entrySet().stream().filter(e -> e.getValue() == localPort).map(Map.Entry::getKey).findFirst()
                .orElse(GATEWAY_LISTENER);
    }

    private static URI advertised(String scheme, String listening, int port) {
        String host = listening;
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            try {
                host = InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                host = "127.0.0.1";
            }
        }
        return URI.create(scheme + "://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port);
    }

    @Override
    public void close() {
        sessions.close();
    }
}
