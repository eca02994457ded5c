package dev.forge;

import dev.forge.api.CatalogApi;
import dev.forge.api.GatewaysApi;
import dev.forge.api.LocalItemsApi;
import dev.forge.api.RestToolsApi;
import dev.forge.api.ServersApi;
import dev.forge.api.TaskRouting;
import dev.forge.api.TokensApi;
import dev.forge.api.TransferApi;
import dev.forge.catalog.Catalog;
import dev.forge.catalog.Federation;
import dev.forge.catalog.RemoteDirectory;
import dev.forge.cluster.RegistrySync;
import dev.forge.config.ForgeConfig;
import dev.forge.config.ServerRole;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.ConfigException;
import dev.forge.registry.RegistryException;
import dev.forge.registry.RegistryTransfer;
import dev.forge.registry.SeedFiles;
import dev.forge.router.RouterApi;
import dev.forge.router.ToolRouter;
import dev.forge.auth.Role;
import dev.forge.services.RemoteServices;
import dev.forge.services.ServiceControl;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway role: the registry's upstreams federated, the admin API and the MCP endpoints on {@code PORT}, the
 * registry kept in step with the other replicas, and (with a service manager apart) that manager's services.
 */
final class GatewayRole implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GatewayRole.class);

    private final Foundation f;
    private RegistrySync sync;
    private RemoteDirectory services;
    private Javalin listener;

    GatewayRole(Foundation f) {
        this.f = f;
    }

    /** The upstreams to federate at start: forge.yaml's gateways applied to the registry, the REST tools, the prompts and resources. */
    List<UpstreamConfig> upstreams() {
        importSeedFiles();
        List<UpstreamConfig> upstreams = new ArrayList<>(f.gateways.bootstrap(f.config.gateways()));
        if (!f.restTools.isEmpty()) {
            upstreams.add(f.restTools.upstreamConfig());
        }
        if (!f.localItems.isEmpty()) {
            upstreams.add(f.localItems.upstreamConfig());
        }
        return upstreams;
    }

    /**
     * The seed project's {@code gateways.txt}, {@code prompts.txt} and {@code resources.txt} in {@code CONFIG_PATH},
     * imported at every start; what exists is skipped, so a restart (or a second replica) changes nothing and edits
     * made through the API stay.
     */
    private void importSeedFiles() {
        java.nio.file.Path dir = f.config.seedDir();
        if (!SeedFiles.present(dir)) {
            return;
        }
        SeedFiles seed;
        try {
            seed = SeedFiles.read(dir);
        } catch (RegistryException e) {
            throw new ConfigException("CONFIG_PATH: " + e.getMessage());
        }
        RegistryTransfer transfer = new RegistryTransfer(f.gateways, f.servers, f.toolStates, f.restTools, f.localItems, disabled -> { }, f.clock);
        seed.withoutReserved(transfer::reservedGatewayOwner);
        tools.jackson.databind.node.ObjectNode report;
        try {
            report = transfer.importDocument(seed.document(), RegistryTransfer.Conflict.SKIP, false);
        } catch (RegistryException e) {
            if (e.status() != 409) {
                throw new ConfigException("CONFIG_PATH: seed files: " + e.getMessage());
            }
            // another replica imported the same lines at the same moment: now they exist and are skipped
            report = transfer.importDocument(seed.document(), RegistryTransfer.Conflict.SKIP, false);
        }
        LOG.info("seed files in {}: created {}, already there {}", dir, report.path("created"), report.path("skipped").size());
        seed.notImported().forEach(line -> LOG.info("seed files: not imported: {}", line));
    }

    /** Once the federation runs: the registry changes it from now on, here and through the other replicas. */
    void attach(Federation federation) {
        f.gateways.attach(federation);
        f.servers.attach(federation);
        f.restTools.attach(federation);
        f.localItems.attach(federation);
        federation.setDisabledTools(f.toolStates.disabled());
        this.sync = new RegistrySync(f.announcements(), List.of(f.gateways::reconcile, f.servers::reconcile,
                f.restTools::reconcile, f.localItems::reconcile, () -> federation.setDisabledTools(f.toolStates.disabled())));
    }

    /** Tells the other replicas that a request changed the registry. */
    void registryChanged() {
        sync.changed();
    }

    /** The listener on {@code PORT}: MCP endpoints first (the hot path), then the admin API and the operations endpoints. */
    Javalin listener(Listeners listeners, McpEdge edge, Federation federation, ToolRouter router, ServiceControl servicesHere) {
        ForgeConfig config = f.config;
        String root = config.rootUpstream() == null ? Catalog.ALL : Catalog.gatewayScope(config.rootUpstream());
        this.listener = listeners.create(config.host(), config.port(), root, routes -> {
            // first: a request's route is found by trying the routes in order, and the MCP ones are the hot path
            Listeners.mcpRoutes(routes, "", ctx -> root, edge.streamable, edge.legacy);
            Listeners.mcpRoutes(routes, "/servers/{name}", ctx -> Catalog.serverScope(f.servers.nameOf(ctx.pathParam("name"))),
                    edge.streamable, edge.legacy);
            Listeners.mcpRoutes(routes, "/gateways/{name}", ctx -> Catalog.gatewayScope(ctx.pathParam("name")), edge.streamable, edge.legacy);
            new TokensApi(f.security.tokens).routes(routes);
            new dev.forge.admin.Console(f.security.access, f.security.consoleSignIns, f.version, federation, edge.meters, router,
                    f.security.tokens, f.gateways, config.connectTimeout(), f.servers,
                    new dev.forge.admin.RegistryChanges(f.security.audit, this::registryChanged),
                    servicesHere != null ? servicesHere : servicesApart(), f.security.audit, f.toolStates, edge.localCalls)
                    .routes(routes);
            new GatewaysApi(f.gateways).routes(routes);
            new ServersApi(f.servers, federation).routes(routes);
            new CatalogApi(federation, f.toolStates).routes(routes);
            new RestToolsApi(f.restTools, router == null ? TaskRouting.NONE : new RouterApi(router)::routeTask).routes(routes);
            new LocalItemsApi(f.localItems).routes(routes);
            new TransferApi(new RegistryTransfer(f.gateways, f.servers, f.toolStates, f.restTools, f.localItems,
                    federation::setDisabledTools, f.clock)).routes(routes);
            Listeners.rpcRoute(routes, edge.plainRpc::post);
            Listeners.opsRoutes(routes, edge.ops);
        });
        return listener;
    }

    /**
     * For the console, a service manager running apart: read with the gateway's credential, acted on with a
     * minute's credential in the name of the operator the console admitted to change things. Null when there is none.
     */
    private ServiceControl servicesApart() {
        ForgeConfig config = f.config;
        if (config.runs(ServerRole.SERVICE_MANAGER) || !config.serviceManager().dynamicServices()) {
            return null;
        }
        String reader = f.security.tokens.internal("forge-gateway", Duration.ofDays(366));
        return new RemoteServices(config.serviceManager().managerUrl(), f.http, () -> reader,
                subject -> f.security.tokens.internal(subject, Role.ADMIN, Duration.ofMinutes(1)), config.requestTimeout());
    }

    /** Once listening: a service manager apart is read for its services; the registry is followed. */
    void start(Federation federation) {
        ForgeConfig config = f.config;
        if (!config.runs(ServerRole.SERVICE_MANAGER) && config.serviceManager().dynamicServices()) {
            String credential = f.security.tokens.internal("forge-gateway", Duration.ofDays(366));
            services = RemoteDirectory.ofServiceManager(config.serviceManager().managerUrl(), f.http, federation,
                    () -> credential, config.requestTimeout());
            services.start(f.scheduler);
        }
        sync.start(f.scheduler);
    }

    int port() {
        return listener.port();
    }

    @Override
    public void close() {
        if (services != null) {
            services.close();
        }
        if (sync != null) {
            sync.close();
        }
    }
}
