package dev.forge.cli;

import dev.forge.Gateway;
import dev.forge.config.ChildEnvironment;
import dev.forge.config.ConfigException;
import dev.forge.config.MaskedCommand;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ForgeConfig;
import dev.forge.config.ShellWords;
import dev.forge.observe.LogSetup;
import dev.forge.translate.RemoteToStdio;
import dev.forge.translate.StdioToHttp;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forge translate}: one MCP server bridged from one transport to another. {@code --stdio CMD} serves a stdio
 * server over HTTP; {@code --connect-streamable-http URL} / {@code --connect-sse URL} serves a remote endpoint on
 * this process's stdin/stdout.
 */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Bridge one MCP server between stdio and Streamable HTTP / SSE.")
final class TranslateCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--stdio", paramLabel = "CMD", description = "a stdio MCP server to serve over HTTP (one command line)")
        String stdio;

        @Option(names = "--connect-streamable-http", paramLabel = "URL", description = "a Streamable HTTP endpoint to serve on stdio")
        URI streamableHttp;

        @Option(names = "--connect-sse", paramLabel = "URL", description = "a legacy SSE endpoint to serve on stdio")
        URI sse;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Mixin
    EnvironmentOption environment = new EnvironmentOption();

    @Option(names = "--expose-streamable-http", description = "serve /mcp (both are served; accepted for compatibility)")
    boolean exposeStreamableHttp;

    @Option(names = "--expose-sse", description = "serve /sse and /message (both are served; accepted for compatibility)")
    boolean exposeSse;

    @Option(names = "--port", defaultValue = "8000", description = "port for --stdio (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address for --stdio (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--stateless", description = "one server process for every client (default: one per client session)")
    boolean stateless;

    @Option(names = "--cors", paramLabel = "ORIGIN", description = "answer CORS for this browser origin (repeatable)")
    List<String> cors = new ArrayList<>();

    @Option(names = "--oauth2-bearer", paramLabel = "TOKEN",
            description = "--stdio: the bearer token clients must send; --connect-*: the one sent to the remote")
    String bearer;

    @Option(names = "--header", paramLabel = "NAME: VALUE", description = "a header sent to the remote (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "an environment variable for the --stdio server (repeatable)")
    List<String> env = new ArrayList<>();

    @Option(names = "--inherit-env", paramLabel = "NAME",
            description = "pass this variable of Forge's environment to the --stdio server (repeatable; nothing else is passed but PATH, HOME, locale and the like)")
    List<String> inheritEnv = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> variables;
        ForgeConfig base;
        boolean protect;
        try {
            variables = environment.variables();
            ConfigLoader loader = new ConfigLoader(variables);
            base = loader.load(ConfigLoader.Flags.none());
            protect = loader.processProtection();
        } catch (ConfigException e) {
            System.err.println("forge translate: invalid configuration: " + e.getMessage());
            return 2;
        }
        if (source.stdio == null) {
            ProcessProtection.apply(protect);
            Map<String, String> sent = new LinkedHashMap<>();
            for (String header : headers) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    System.err.println("forge translate: --header: a value without a colon (expected: NAME: VALUE)"); // never echoed: it may be a token
                    return 2;
                }
                sent.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
            }
            if (bearer != null) {
                sent.put("Authorization", "Bearer " + bearer);
            }
            boolean sse = source.sse != null;
            return new RemoteToStdio(sse, sse ? source.sse : source.streamableHttp, sent, base.requestTimeout())
                    .run(System.in, System.out);
        }
        return serve(base, variables, protect);
    }

    private int serve(ForgeConfig base, Map<String, String> variables, boolean protect) throws Exception {
        List<String> command;
        Map<String, String> childEnv = new LinkedHashMap<>();
        List<String> inherited;
        try {
            command = ShellWords.split("--stdio", source.stdio);
            inherited = ChildEnvironment.checkInherited("--inherit-env", inheritEnv);
            for (String pair : env) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException("--env: '" + pair + "' (expected: NAME=VALUE)");
                }
                childEnv.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        } catch (ConfigException e) {
            System.err.println("forge translate: " + e.getMessage());
            return 2;
        }
        // a bridge for one client keeps no audit file and no rate limit unless asked for
        ForgeConfig tuned = base.withSecurity(base.security().withAuditAndRateLimit(
                variables.containsKey("AUDIT_LOG_PATH") ? base.security().auditLog() : null,
                variables.containsKey("RATE_LIMIT_PER_MINUTE") ? base.security().rateLimitPerMinute() : 0));
        ForgeConfig bridge = StdioToHttp.config(tuned, command, childEnv, inherited, host, port, stateless, new LinkedHashSet<>(cors), bearer);
        LogSetup.configure(bridge.logLevel(), bridge.jsonLogs());
        ProcessProtection.apply(protect); // before the server's process exists
        Gateway gateway;
        try {
            gateway = StdioToHttp.start(bridge);
        } catch (Exception e) {
            System.err.println("forge translate: cannot start: " + e.getMessage());
            return 1;
        }
        if (!gateway.federation().awaitReady(bridge.connectTimeout().multipliedBy(2))) {
            System.err.println("forge translate: the server is not ready yet (see its log above); serving anyway");
        }
        System.err.println("forge translate: serving `" + MaskedCommand.of(command) + "` at http://" + host + ":" + gateway.port()
                + "/mcp (Streamable HTTP) and /sse (SSE)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "forge-translate-shutdown"));
        stopped.await();
        return 0;
    }
}
