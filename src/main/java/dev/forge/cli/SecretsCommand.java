package dev.forge.cli;

import dev.forge.config.ConfigException;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ForgeConfig;
import dev.forge.config.SecurityConfig;
import dev.forge.store.Database;
import dev.forge.store.SecretBox;
import dev.forge.store.SecretRotation;
import dev.forge.store.SecretsException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forge secrets rotate}: the stored upstream credentials, re-sealed with the current key. */
@Command(name = "secrets", mixinStandardHelpOptions = true, description = "Manage the sealed upstream credentials in the registry.",
        subcommands = {SecretsCommand.Rotate.class})
final class SecretsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = {
            "Re-seal every stored credential with FORGE_ENCRYPTION_KEY, opening old ones with FORGE_ENCRYPTION_KEY_PREVIOUS.",
            "One transaction per table; safe to run again, and while gateways use the same database."})
    static final class Rotate implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "forge.yaml (for DATABASE_URL and friends)")
        Path config;

        @Mixin
        EnvironmentOption environment = new EnvironmentOption();

        @Option(names = "--dry-run", description = "report what would be re-sealed, write nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            try {
                ForgeConfig loaded = new ConfigLoader(environment.variables()).load(new ConfigLoader.Flags(config, null, null));
                SecurityConfig security = loaded.security();
                if (security.encryptionKey() == null) { // refused before the database is even opened
                    throw new SecretsException("FORGE_ENCRYPTION_KEY is not set (expected: the key to re-seal with; "
                            + "the key it replaces goes in FORGE_ENCRYPTION_KEY_PREVIOUS)");
                }
                SecretBox secrets = SecretBox.of(security.encryptionKey(), security.previousEncryptionKey(), security.production());
                List<SecretRotation.Count> counts;
                try (Database database = Database.open(loaded.database(), loaded.skipMigrations())) {
                    counts = new SecretRotation(database, secrets).run(dryRun);
                }
                for (SecretRotation.Count c : counts) {
                    System.out.println(dryRun
                            ? "%s: %d to re-seal, %d to seal (stored in the clear), %d already current (dry run: nothing written)"
                                    .formatted(c.table(), c.resealed(), c.sealed(), c.current())
                            : "%s: %d re-sealed, %d sealed (were stored in the clear), %d already current"
                                    .formatted(c.table(), c.resealed(), c.sealed(), c.current()));
                }
                if (!dryRun && security.previousEncryptionKey() != null) {
                    System.err.println("every stored credential is now sealed with FORGE_ENCRYPTION_KEY: once every gateway "
                            + "runs with it, FORGE_ENCRYPTION_KEY_PREVIOUS can be removed");
                }
                return 0;
            } catch (SecretsException | ConfigException e) {
                System.err.println("forge secrets rotate: " + e.getMessage());
                return 2;
            }
        }
    }
}
