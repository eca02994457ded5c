package dev.forge.cli;

import dev.forge.audit.AuditLog;
import dev.forge.auth.Revocations;
import dev.forge.auth.TokenService;
import dev.forge.config.ConfigException;
import dev.forge.config.ConfigLoader;
import dev.forge.config.Durations;
import dev.forge.config.ForgeConfig;
import dev.forge.config.SecurityConfig;
import dev.forge.registry.RegistryException;
import dev.forge.store.Database;
import dev.forge.store.RedisLink;
import dev.forge.store.TokenRecord;
import dev.forge.store.TokenRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code forge token create|list|revoke}: API tokens, with the same code as {@code /tokens}. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Issue, list and revoke API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Where the registry is: the same flags every registry command takes. */
    static final class Registry {
        @Option(names = "--config", paramLabel = "FILE", description = "forge.yaml (for DATABASE_URL and friends)")
        Path config;

        @Mixin
        EnvironmentOption environment = new EnvironmentOption();

        <T> T with(Function<TokenService, T> work) {
            ForgeConfig loaded = new ConfigLoader(environment.variables()).load(new ConfigLoader.Flags(config, null, null));
            SecurityConfig security = loaded.security();
            Clock clock = Clock.systemUTC();
            try (Database database = Database.open(loaded.database(), loaded.skipMigrations());
                 AuditLog audit = AuditLog.open(security.auditLog(), security.logRetention(), false, clock);
                 RedisLink redis = security.redisUrl() == null ? null : new RedisLink(security.redisUrl(), loaded.connectTimeout())) {
                TokenRepository repository = new TokenRepository(database, clock);
                Revocations revocations = new Revocations(repository);
                if (redis != null) { // running gateways that share this Redis drop a revoked token at once
                    revocations.announceOn(redis);
                }
                return work.apply(new TokenService(security, repository, revocations, audit, clock));
            }
        }
    }

    /** Runs the work; a refusal or bad setting is one line on stderr and exit code 2. */
    static int run(Registry registry, Function<TokenService, String> work) {
        try {
            System.out.println(registry.with(work));
            return 0;
        } catch (RegistryException | ConfigException e) {
            System.err.println("forge token: " + e.getMessage());
            return 2;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Issue a token and print it (it is shown only this once).")
    static final class Create implements Callable<Integer> {
        @Mixin
        Registry registry = new Registry();

        @Option(names = "--name", required = true, description = "what the token is for")
        String name;

        @Option(names = "--sub", description = "the subject (who the token speaks for; default: the name)")
        String subject;

        @Option(names = "--role", defaultValue = "developer", description = "admin | developer | viewer (default: ${DEFAULT-VALUE})")
        String role;

        @Option(names = "--expires", defaultValue = "30d", description = "lifetime: 12h, 30d, … (default: ${DEFAULT-VALUE})")
        String expires;

        @Option(names = "--scope", split = "[ ,]", description = "scopes: admin:read, admin:write, mcp, mcp:server/NAME, mcp:gateway/NAME")
        List<String> scopes = new ArrayList<>();

        @Option(names = "--tools", split = ",", description = "limit to these namespaced tools")
        List<String> tools = new ArrayList<>();

        @Override
        public Integer call() {
            return run(registry, service -> {
                List<String> all = new ArrayList<>(scopes);
                tools.forEach(t -> all.add("tool:" + t));
                TokenService.Issued issued;
                try {
                    issued = service.issue(new TokenService.Request(name, subject == null ? name : subject, role, all,
                            Durations.parse("--expires", expires)), "cli");
                } catch (ConfigException e) {
                    throw new RegistryException(422, e.getMessage());
                }
                System.err.println("token " + issued.record().id() + " for " + issued.record().subject() + " ("
                        + issued.record().role() + "), expires " + issued.record().expiresAt() + "; it is not shown again");
                return issued.token();
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List issued tokens (never the tokens themselves).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        Registry registry = new Registry();

        @Override
        public Integer call() {
            return run(registry, service -> {
                StringBuilder out = new StringBuilder(String.format("%-36s  %-20s  %-20s  %-9s  %-20s  %s%n",
                        "ID", "NAME", "SUBJECT", "ROLE", "EXPIRES", "STATE"));
                for (TokenRecord t : service.list()) {
                    out.append(String.format("%-36s  %-20s  %-20s  %-9s  %-20s  %s%n", t.id(), t.name(), t.subject(), t.role(),
                            t.expiresAt(), t.revokedAt() == null ? "active" : "revoked"));
                }
                return out.toString().stripTrailing();
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by id.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Registry registry = new Registry();

        @Parameters(paramLabel = "ID", description = "the token's id (from create or list)")
        String id;

        @Override
        public Integer call() {
            return run(registry, service -> "revoked " + service.revoke(id, "cli").id());
        }
    }
}
