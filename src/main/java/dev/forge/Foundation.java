package dev.forge;

import dev.forge.cluster.Announcements;
import dev.forge.cluster.PostgresAnnouncements;
import dev.forge.cluster.RedisAnnouncements;
import dev.forge.config.DatabaseUrl;
import dev.forge.config.ForgeConfig;
import dev.forge.config.ServerRole;
import dev.forge.registry.GatewayRegistry;
import dev.forge.registry.LocalItemRegistry;
import dev.forge.registry.RestToolRegistry;
import dev.forge.registry.ServerRegistry;
import dev.forge.store.Database;
import dev.forge.store.GatewayRepository;
import dev.forge.store.LocalItemRepository;
import dev.forge.store.RestToolRepository;
import dev.forge.store.SecretBox;
import dev.forge.store.ServerRepository;
import dev.forge.store.ToolStateRepository;
import dev.forge.tls.ServerTls;
import dev.forge.upstream.AddressPolicy;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every role of one process shares, opened first and closed last: the configuration, clock and scheduler, the
 * registry database and the parts that read it, the HTTP client upstreams are reached with (behind the SSRF guard),
 * and security (tokens, guards, rate limits, audit, the Redis link).
 */
final class Foundation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    final ForgeConfig config;
    final Clock clock = Clock.systemUTC();
    final String version = Version.value();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "forge-scheduler");
        t.setDaemon(true);
        return t;
    });
    final Database database;
    final HttpClient http = new HttpClient();
    final AddressPolicy addresses;
    final GatewayRegistry gateways;
    final ServerRegistry servers;
    final RestToolRegistry restTools;
    final LocalItemRegistry localItems;
    final ToolStateRepository toolStates;
    final Security security;
    final ServerTls tls;
    /** Off unless a collector is configured: then every MCP request is a span. */
    final dev.forge.trace.Tracing tracing;

    private Foundation(ForgeConfig config) throws Exception {
        this.config = config;
        // first: a missing or bad certificate stops start-up before anything is opened
        this.tls = ServerTls.open(config.tls(), scheduler);
        this.tracing = dev.forge.trace.Tracing.start(config.tracing(), version);
        if (tracing.on()) {
            LOG.info("traces: exported over OTLP/HTTP to {}", dev.forge.config.MaskedUrl.of(config.tracing().tracesUrl()));
        }
        this.database = Database.open(config.database(), config.skipMigrations());
        LOG.info("registry database: {}", config.database());
        this.addresses = new AddressPolicy(config.security().ssrfAllowPrivate(), config.security().ssrfAllowLocalhost(), ownHosts(config));
        QueuedThreadPool clientThreads = new QueuedThreadPool();
        clientThreads.setName("forge-upstream-http");
        http.setExecutor(clientThreads);
        http.setConnectTimeout(config.connectTimeout().toMillis());
        http.setIdleTimeout(config.requestTimeout().plusMinutes(5).toMillis()); // long-lived SSE streams stay open
        http.setMaxConnectionsPerDestination(256);
        http.setFollowRedirects(false);
        http.setSocketAddressResolver(addresses); // the SSRF guard judges every address Forge connects to upstream
        http.setSslContextFactory(tls.clientFactory()); // the roles of an install reach each other over its HTTPS
        http.start();
        SecretBox secrets = SecretBox.of(config.security().encryptionKey(), config.security().previousEncryptionKey(),
                config.security().production());
        if (!secrets.encrypts()) {
            LOG.warn("FORGE_ENCRYPTION_KEY is not set: upstream credentials are {}", config.security().production()
                    ? "refused (production never stores them in the clear)" : "stored unencrypted (development)");
        }
        this.gateways = new GatewayRegistry(new GatewayRepository(database, clock, secrets), config.requestTimeout(),
                config.connectTimeout(), addresses);
        this.servers = new ServerRegistry(new ServerRepository(database, clock));
        this.restTools = new RestToolRegistry(new RestToolRepository(database, clock, secrets), config.requestTimeout(), addresses);
        this.localItems = new LocalItemRegistry(new LocalItemRepository(database, clock), config.requestTimeout());
        this.toolStates = new ToolStateRepository(database, clock);
        this.security = new Security(config.security(), config.allowedOrigins(), database, servers::nameOf, scheduler,
                config.connectTimeout(), clock);
    }

    /** Opens the database, starts the HTTP client, reads the registry and sets up security. */
    static Foundation open(ForgeConfig config) throws Exception {
        return new Foundation(config);
    }

    /**
     * How this process hears of, and tells, changes to the registry the replicas share: PostgreSQL carries them itself,
     * else Redis if there is one, else nothing does (one process, or replicas that read the registry every 10 s).
     */
    Announcements announcements() {
        if (database.url().kind() == DatabaseUrl.Kind.POSTGRESQL) {
            return new PostgresAnnouncements(database);
        }
        return security.redis() != null ? new RedisAnnouncements(security.redis()) : Announcements.NONE;
    }

    /** The operator's own Forge processes (a separate service manager, the gateway a lone tool router indexes) are trusted wherever they are. */
    private static Set<String> ownHosts(ForgeConfig config) {
        Set<String> own = new HashSet<>();
        if (config.serviceManager().dynamicServices()) {
            own.add(config.serviceManager().managerUrl().getHost());
        }
        if (config.runs(ServerRole.TOOL_ROUTER) && !config.runs(ServerRole.GATEWAY)) {
            own.add(config.router().gatewayUrl().getHost());
        }
        return Set.copyOf(own);
    }

    @Override
    public void close() {
        if (tracing != null) {
            tracing.close(); // the last spans are sent
        }
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("stopping the HTTP client failed", e);
        }
        scheduler.shutdownNow();
        if (tls != null) {
            tls.close();
        }
        if (security != null) {
            security.close();
        }
        if (database != null) {
            database.close();
        }
    }
}
