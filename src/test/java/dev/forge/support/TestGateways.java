package dev.forge.support;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.config.VirtualServerConfig;
import dev.forge.config.DatabaseUrl;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Gateways on a free loopback port, configured in code, started and ready. */
public final class TestGateways {

    private TestGateways() {}

    public static ForgeConfig config(List<UpstreamConfig> upstreams, List<VirtualServerConfig> servers) {
        return new ForgeConfig("127.0.0.1", 0, "__", Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofMinutes(5), "info", false, true, upstreams, servers, freshDatabase(), false, java.util.Set.of(), java.util.Set.of(),
                security(Map.of()), java.util.EnumSet.of(dev.forge.config.ServerRole.GATEWAY),
                dev.forge.config.ServiceManagerConfig.none(), null, dev.forge.config.RouterConfig.defaults().withPort(0));
    }

    /**
     * Security settings from these environment variables over the test defaults: no keys (so loopback clients are
     * served without a token), no rate limit, audit lines in the main log. Child processes get PATH, HOME and the
     * like from this JVM's environment, as under {@code forge serve}.
     */
    public static dev.forge.config.SecurityConfig security(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(dev.forge.config.ChildEnvironment.passedThrough(System.getenv()));
        all.putAll(Map.of("RATE_LIMIT_PER_MINUTE", "0", "AUDIT_LOG_PATH", "off"));
        all.putAll(env);
        return new dev.forge.config.ConfigLoader(all).security();
    }

    /** A new SQLite file in a temporary folder: each test gateway starts from an empty registry. */
    public static DatabaseUrl freshDatabase() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("forge-test-db");
            dir.toFile().deleteOnExit();
            return DatabaseUrl.parse("test", "sqlite:///" + dir.resolve("mcp.db"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Gateway start(List<UpstreamConfig> upstreams) throws Exception {
        return start(config(upstreams, List.of()));
    }

    public static Gateway start(ForgeConfig config) throws Exception {
        Gateway gateway = Gateway.start(config);
        if (!gateway.federation().awaitReady(Duration.ofSeconds(60))) {
            gateway.close();
            throw new IllegalStateException("gateway did not become ready");
        }
        return gateway;
    }

    public static UpstreamConfig stdio(String name, List<String> command) {
        return new UpstreamConfig.Stdio(name, command, Map.of(), UpstreamPolicy.of(Duration.ofSeconds(20), SessionMode.SHARED));
    }

    public static UpstreamConfig stdio(String name, List<String> command, Map<String, String> env) {
        return new UpstreamConfig.Stdio(name, command, env, UpstreamPolicy.of(Duration.ofSeconds(20), SessionMode.SHARED));
    }

    public static UpstreamConfig perClientStdio(String name, List<String> command) {
        return new UpstreamConfig.Stdio(name, command, Map.of(), UpstreamPolicy.of(Duration.ofSeconds(20), SessionMode.PER_CLIENT));
    }

    /** Processes this JVM started whose command line mentions {@code fragment}. */
    public static long childProcesses(String fragment) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().commandLine().map(c -> c.contains(fragment)).orElse(false))
                .count();
    }

    public static UpstreamConfig streamableHttp(String name, String url) {
        return new UpstreamConfig.StreamableHttp(name, URI.create(url), Map.of(), UpstreamPolicy.of(Duration.ofSeconds(20), SessionMode.SHARED));
    }

    public static UpstreamConfig sse(String name, String url) {
        return sse(name, url, SessionMode.SHARED);
    }

    public static UpstreamConfig stdio(String name, List<String> command, Map<String, String> env, SessionMode mode) {
        return new UpstreamConfig.Stdio(name, command, env, UpstreamPolicy.of(Duration.ofSeconds(20), mode));
    }

    public static UpstreamConfig streamableHttp(String name, String url, SessionMode mode) {
        return new UpstreamConfig.StreamableHttp(name, URI.create(url), Map.of(), UpstreamPolicy.of(Duration.ofSeconds(20), mode));
    }

    public static UpstreamConfig sse(String name, String url, SessionMode mode) {
        return new UpstreamConfig.Sse(name, URI.create(url), Map.of(), UpstreamPolicy.of(Duration.ofSeconds(20), mode));
    }

    public static String baseUrl(Gateway gateway) {
        return "http://127.0.0.1:" + gateway.port();
    }
}
