package dev.forge;

import dev.forge.catalog.Catalog;
import dev.forge.catalog.Federation;
import dev.forge.config.ServiceConfig;
import dev.forge.config.UpstreamConfig;
import dev.forge.services.ServiceSupervisor;
import dev.forge.services.ServicesApi;
import io.javalin.Javalin;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The service manager role: the servers of services.yml run as this process's children, woken on demand and put to
 * sleep when idle, served on {@code FORGE_SERVICE_MANAGER_PORT}.
 */
final class ServiceManagerRole implements AutoCloseable {

    private final Foundation f;
    private final List<ServiceConfig> services;
    private ServiceSupervisor supervisor;
    private ServicesApi api;
    private Javalin listener;

    /** Claims the services' names first: no gateway registered through the API may take one. */
    ServiceManagerRole(Foundation f) {
        this.f = f;
        this.services = f.config.serviceManager().services();
        services.forEach(service -> f.gateways.reserve(service.name(), "the managed service '" + service.name() + "' (services.yml)"));
        f.config.serviceManager().unconfigured().forEach(service ->
                f.gateways.reserve(service.name(), "the managed service '" + service.name() + "' (services.yml)"));
    }

    List<UpstreamConfig> upstreams() {
        return services.stream().<UpstreamConfig>map(ServiceConfig::upstream).toList();
    }

    /**
     * When an upstream is started: services by priority (a higher tier starts first); every other upstream (a
     * gateway, which costs this machine little to connect but may be slow to answer) at once, holding nobody back.
     */
    int startTier(String upstream) {
        return services.stream().filter(s -> s.name().equals(upstream)).findFirst()
                .map(s -> s.priority().ordinal()).orElse(Federation.UNTIERED);
    }

    /** The services that stay stopped until a call or an operator starts them ({@code auto_start: false}). */
    Set<String> notStarted() {
        return services.stream().filter(service -> !service.autoStart()).map(ServiceConfig::name).collect(Collectors.toSet());
    }

    void attach(Federation federation) {
        supervisor = new ServiceSupervisor(federation, f.scheduler, f.clock);
        services.forEach(supervisor::manage);
        f.config.serviceManager().unconfigured().forEach(supervisor::awaitConfiguration);
        api = new ServicesApi(federation, supervisor, f.config.requestTimeout(), f.clock);
    }

    /** The services, as its API answers and acts, for the console of a gateway in this process (after {@link #attach}). */
    ServicesApi services() {
        return api;
    }

    Javalin listener(Listeners listeners, McpEdge edge, Federation federation) {
        listener = listeners.create(f.config.host(), f.config.serviceManager().port(), Catalog.ALL, routes -> {
            Listeners.opsRoutes(routes, edge.ops);
            api.routes(routes);
            Listeners.mcpRoutes(routes, "/services/{name}", ctx -> Catalog.gatewayScope(ctx.pathParam("name")), edge.streamable, edge.legacy);
        });
        return listener;
    }

    int port() {
        return listener.port();
    }

    int serviceCount() {
        return services.size();
    }

    @Override
    public void close() {
        if (supervisor != null) {
            supervisor.close();
        }
    }
}
