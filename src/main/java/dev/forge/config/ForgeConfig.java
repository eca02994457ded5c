package dev.forge.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything the gateway needs to start, validated. Built by {@link ConfigLoader} from flags over environment
 * variables over the YAML file.
 */
public record ForgeConfig(
        String host,
        int port,
        String separator,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration sessionIdleTimeout,
        String logLevel,
        boolean jsonLogs,
        boolean prometheusEnabled,
        List<UpstreamConfig> gateways,
        List<VirtualServerConfig> servers,
        DatabaseUrl database,
        boolean skipMigrations,
        Set<String> allowedHosts,
        Set<String> allowedOrigins,
        SecurityConfig security,
        Set<ServerRole> roles,
        ServiceManagerConfig serviceManager,
        String rootUpstream,
        RouterConfig router,
        UpstreamLimits upstreamLimits,
        Path seedDir,
        TlsConfig tls,
        Duration taskAfter,
        TracingConfig tracing) {

    /**
     * How long a modern client's {@code tools/call} runs before Forge answers it with a task handle instead
     * (the tasks extension; only for clients that declare it): quicker calls are answered as they are.
     */
    public static final Duration DEFAULT_TASK_AFTER = Duration.ofSeconds(5);

    /** With the default {@link UpstreamLimits}. */
    public ForgeConfig(String host, int port, String separator, Duration connectTimeout, Duration requestTimeout,
                       Duration sessionIdleTimeout, String logLevel, boolean jsonLogs, boolean prometheusEnabled,
                       List<UpstreamConfig> gateways, List<VirtualServerConfig> servers, DatabaseUrl database,
                       boolean skipMigrations, Set<String> allowedHosts, Set<String> allowedOrigins, SecurityConfig security,
                       Set<ServerRole> roles, ServiceManagerConfig serviceManager, String rootUpstream, RouterConfig router) {
        this(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel, jsonLogs, prometheusEnabled,
                gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins, security, roles, serviceManager,
                rootUpstream, router, UpstreamLimits.DEFAULTS, null, TlsConfig.OFF, DEFAULT_TASK_AFTER, TracingConfig.OFF);
    }

    /** Plain HTTP ({@link TlsConfig#OFF}). */
    public ForgeConfig(String host, int port, String separator, Duration connectTimeout, Duration requestTimeout,
                       Duration sessionIdleTimeout, String logLevel, boolean jsonLogs, boolean prometheusEnabled,
                       List<UpstreamConfig> gateways, List<VirtualServerConfig> servers, DatabaseUrl database,
                       boolean skipMigrations, Set<String> allowedHosts, Set<String> allowedOrigins, SecurityConfig security,
                       Set<ServerRole> roles, ServiceManagerConfig serviceManager, String rootUpstream, RouterConfig router,
                       UpstreamLimits upstreamLimits, Path seedDir) {
        this(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel, jsonLogs, prometheusEnabled,
                gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins, security, roles, serviceManager,
                rootUpstream, router, upstreamLimits, seedDir, TlsConfig.OFF, DEFAULT_TASK_AFTER, TracingConfig.OFF);
    }

    public ForgeConfig {
        gateways = List.copyOf(gateways);
        servers = List.copyOf(servers);
        allowedHosts = Set.copyOf(allowedHosts);
        allowedOrigins = Set.copyOf(allowedOrigins);
        roles = Set.copyOf(roles);
    }

    public ForgeConfig withPort(int newPort) {
        return new ForgeConfig(host, newPort, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins, security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withGateways(List<UpstreamConfig> upstreams) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, upstreams, servers, database, skipMigrations, allowedHosts, allowedOrigins, security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withServers(List<VirtualServerConfig> virtualServers) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, virtualServers, database, skipMigrations, allowedHosts, allowedOrigins, security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withDatabase(DatabaseUrl newDatabase) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, newDatabase, skipMigrations, allowedHosts, allowedOrigins,
                security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withSecurity(SecurityConfig newSecurity) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                newSecurity, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withConnectTimeout(Duration connect) {
        return new ForgeConfig(host, port, separator, connect, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins, security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withSessionIdleTimeout(Duration idle) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, idle, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins, security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withRoles(Set<ServerRole> newRoles, ServiceManagerConfig newServiceManager) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                security, newRoles, newServiceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withUpstreamLimits(UpstreamLimits limits) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                security, roles, serviceManager, rootUpstream, router, limits, seedDir, tls, taskAfter, tracing);
    }

    /**
     * The directory whose seed line files ({@code gateways.txt}, {@code prompts.txt}, {@code resources.txt}) are
     * imported into the registry at start ({@code CONFIG_PATH}); null for none.
     */
    public ForgeConfig withSeedDir(Path dir) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                security, roles, serviceManager, rootUpstream, router, upstreamLimits, dir, tls, taskAfter, tracing);
    }

    public ForgeConfig withTls(TlsConfig newTls) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, newTls, taskAfter, tracing);
    }

    /** @param after null: never answer with a task (the tasks extension is not offered) */
    public ForgeConfig withTaskAfter(Duration after) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, after, tracing);
    }

    public ForgeConfig withTracing(TracingConfig newTracing) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                security, roles, serviceManager, rootUpstream, router, upstreamLimits, seedDir, tls, taskAfter, newTracing);
    }

    public boolean runs(ServerRole role) {
        return roles.contains(role);
    }

    /**
     * Serve this one upstream, names unprefixed, at the root endpoints ({@code /mcp}, {@code /sse}): what
     * {@code forge translate --stdio} does. Null: the root endpoints federate every upstream.
     */
    public ForgeConfig withRootUpstream(String name) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                security, roles, serviceManager, name, router, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }

    public ForgeConfig withRouter(RouterConfig newRouter) {
        return new ForgeConfig(host, port, separator, connectTimeout, requestTimeout, sessionIdleTimeout, logLevel,
                jsonLogs, prometheusEnabled, gateways, servers, database, skipMigrations, allowedHosts, allowedOrigins,
                security, roles, serviceManager, rootUpstream, newRouter, upstreamLimits, seedDir, tls, taskAfter, tracing);
    }
}
