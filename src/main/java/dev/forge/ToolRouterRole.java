package dev.forge;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.Federation;
import dev.forge.catalog.RemoteDirectory;
import dev.forge.cluster.Announcements;
import dev.forge.config.ForgeConfig;
import dev.forge.config.ServerRole;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.config.VirtualServerConfig;
import dev.forge.router.RouterApi;
import dev.forge.router.RouterMetaTools;
import dev.forge.router.ToolRouter;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The tool router role: the meta-tools (search, describe, call, execute a task) as an upstream of their own and the
 * router's virtual server, its API and MCP endpoint on {@code TOOL_ROUTER_PORT}. On its own, without the gateway in
 * the process, it federates the gateway's upstreams through the gateway and follows the registry's announcements.
 */
final class ToolRouterRole implements AutoCloseable {

    private final Foundation f;
    private RouterMetaTools metaTools;
    private RemoteDirectory gatewayList;
    private Announcements hears = Announcements.NONE;
    private Javalin listener;

    /** Claims the router's server name first: the API may not take, change or delete it. */
    ToolRouterRole(Foundation f) {
        this.f = f;
        f.servers.builtIn(f.config.router().serverName(), "the tool router's meta-tools");
    }

    /** The router's virtual server, unless forge.yaml declares one of that name itself. */
    Optional<VirtualServerConfig> server(List<VirtualServerConfig> declared) {
        String name = f.config.router().serverName();
        return declared.stream().anyMatch(v -> v.name().equals(name)) ? Optional.empty()
                : Optional.of(new VirtualServerConfig(name, RouterMetaTools.namespacedNames(f.config.separator()), List.of(), List.of()));
    }

    /** The meta-tools join the federation as an upstream of their own (before it starts). */
    RouterMetaTools attach(Federation federation, ToolRouter router) {
        metaTools = new RouterMetaTools(router, federation::catalog, f.config.separator());
        federation.add(new UpstreamConfig.Meta(RouterMetaTools.UPSTREAM, UpstreamPolicy.of(f.config.requestTimeout(),
                SessionMode.SHARED), metaTools));
        return metaTools;
    }

    Javalin listener(Listeners listeners, McpEdge edge, ToolRouter router) {
        String scope = Catalog.serverScope(f.config.router().serverName());
        listener = listeners.create(f.config.host(), f.config.router().port(), scope, routes -> {
            Listeners.opsRoutes(routes, edge.ops);
            new RouterApi(router).routes(routes);
            Listeners.mcpRoutes(routes, "", ctx -> scope, edge.streamable, edge.legacy);
        });
        return listener;
    }

    /**
     * Once listening, on its own: the gateway's upstreams are federated through the gateway, read every 15 s and, when
     * the registry announces a change, 0.3 s and 2 s after it (when its replicas have surely applied it).
     */
    void start(Federation federation) {
        ForgeConfig config = f.config;
        if (config.runs(ServerRole.GATEWAY)) {
            return;
        }
        String credential = f.security.tokens.internal("forge-tool-router", Duration.ofDays(366));
        RemoteDirectory list = RemoteDirectory.ofGateway(config.router().gatewayUrl(), Set.of(RouterMetaTools.UPSTREAM),
                f.http, federation, () -> credential, config.requestTimeout());
        gatewayList = list;
        list.start(f.scheduler);
        hears = f.announcements();
        hears.listen(() -> {
            for (long delay : new long[] {300, 2_000}) {
                f.scheduler.schedule(() -> Thread.ofVirtual().name("remote-directory").start(list::sync), delay, TimeUnit.MILLISECONDS);
            }
        });
    }

    int port() {
        return listener.port();
    }

    @Override
    public void close() {
        hears.close();
        if (gatewayList != null) {
            gatewayList.close();
        }
    }
}
