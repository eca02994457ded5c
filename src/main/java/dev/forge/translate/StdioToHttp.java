package dev.forge.translate;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.config.ServerRole;
import dev.forge.config.SessionMode;
import dev.forge.config.UpstreamConfig;
import dev.forge.config.UpstreamPolicy;
import dev.forge.config.DatabaseUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code forge translate --stdio CMD}: one stdio server served over Streamable HTTP ({@code /mcp}) and the legacy
 * SSE transport ({@code /sse}), names as the server gives them. It is Forge itself with that one upstream, so
 * everything the gateway passes through (sampling, elicitation, progress, cancellation, resumable streams) and
 * every bound it keeps holds here too. Stateful (the default): a process per client session, as each client's
 * server state is its own; {@code --stateless}: one process for every client.
 */
public final class StdioToHttp {

    /** The upstream's name; only /health shows it. */
    static final String UPSTREAM = "stdio";

    private StdioToHttp() {}

    /** {@code base}: the loaded configuration (environment, timeouts, security) the bridge starts from. */
    public static ForgeConfig config(ForgeConfig base, List<String> command, Map<String, String> env, List<String> inheritEnv,
                                     String host, int port, boolean stateless, Set<String> corsOrigins, String bearer) {
        UpstreamPolicy policy = UpstreamPolicy.of(base.requestTimeout(), stateless ? SessionMode.SHARED : SessionMode.PER_CLIENT);
        var security = base.security().withCors(!corsOrigins.isEmpty());
        if (bearer != null) {
            security = security.withStaticBearer(bearer);
        }
        ForgeConfig bridge = new ForgeConfig(host, port, base.separator(), base.connectTimeout(), base.requestTimeout(),
                base.sessionIdleTimeout(), base.logLevel(), base.jsonLogs(), base.prometheusEnabled(),
                List.of(new UpstreamConfig.Stdio(UPSTREAM, command, env, inheritEnv, policy)), List.of(), scratchDatabase(), false,
                base.allowedHosts(), corsOrigins.isEmpty() ? base.allowedOrigins() : corsOrigins, security,
                EnumSet.of(ServerRole.GATEWAY), base.serviceManager().withServices(List.of()), UPSTREAM, base.router(),
                base.upstreamLimits(), null) // a bridge imports no seed files
                .withTaskAfter(base.taskAfter());
        return bridge;
    }

    public static Gateway start(ForgeConfig bridge) throws Exception {
        return Gateway.start(bridge);
    }

    /** The bridge keeps no registry; Forge's store is opened on a throwaway file. */
    private static DatabaseUrl scratchDatabase() {
        try {
            Path dir = Files.createTempDirectory("forge-translate");
            dir.toFile().deleteOnExit();
            dir.resolve("mcp.db").toFile().deleteOnExit();
            return DatabaseUrl.parse("translate", "sqlite:///" + dir.resolve("mcp.db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
