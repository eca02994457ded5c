package dev.forge.config;

import java.net.URI;
import java.util.List;

/**
 * The service manager role and how the gateway reaches it.
 *
 * @param port            {@code FORGE_SERVICE_MANAGER_PORT}: where its API and the services' MCP endpoints listen
 * @param services        from {@code services.yml}
 * @param unconfigured    from {@code services.yml}, waiting for environment variables nobody has set
 * @param dynamicServices {@code FORGE_ENABLE_DYNAMIC_SERVICES}: a separate gateway federates the manager's services
 * @param managerUrl      {@code FORGE_SERVICE_MANAGER_URL}: where a separate gateway finds the manager
 */
public record ServiceManagerConfig(int port, List<ServiceConfig> services, List<UnconfiguredService> unconfigured,
                                   boolean dynamicServices, URI managerUrl) {

    public ServiceManagerConfig {
        services = List.copyOf(services);
        unconfigured = List.copyOf(unconfigured);
    }

    public ServiceManagerConfig(int port, List<ServiceConfig> services, boolean dynamicServices, URI managerUrl) {
        this(port, services, List.of(), dynamicServices, managerUrl);
    }

    public static ServiceManagerConfig none() {
        return new ServiceManagerConfig(9000, List.of(), List.of(), false, URI.create("http://127.0.0.1:9000"));
    }

    public ServiceManagerConfig withServices(List<ServiceConfig> newServices) {
        return new ServiceManagerConfig(port, newServices, List.of(), dynamicServices, managerUrl);
    }
}
