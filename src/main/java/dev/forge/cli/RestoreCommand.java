package dev.forge.cli;

import dev.forge.config.ConfigLoader;
import dev.forge.config.ForgeConfig;
import dev.forge.store.SqliteBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code forge restore FILE}: replaces the registry with a backup. Stop the gateway first. */
@Command(name = "restore", mixinStandardHelpOptions = true, description = "Replace the registry database with a backup (stop Forge first).")
final class RestoreCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    EnvironmentOption environment = new EnvironmentOption();

    @Parameters(index = "0", paramLabel = "FILE", description = "a file made by forge backup")
    Path file;

    @Option(names = "--config", paramLabel = "FILE", description = "forge.yaml")
    Path config;

    @Override
    public Integer call() throws Exception {
        ForgeConfig loaded = new ConfigLoader(environment.variables()).load(new ConfigLoader.Flags(config, null, null));
        java.util.Optional<java.nio.file.Path> damaged;
        try {
            damaged = SqliteBackup.restore(loaded.database(), file, percent -> System.err.print("\rrestoring: " + percent + "%"));
        } catch (IllegalArgumentException | IllegalStateException | java.sql.SQLException e) {
            System.err.println("forge: restore refused, nothing was changed: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            System.err.println("forge: restore failed moving the damaged database aside: " + e);
            return 1;
        }
        System.err.println();
        damaged.ifPresent(moved -> System.err.println("forge: the database could not be opened; it was kept as " + moved));
        System.out.println("restored " + file.toAbsolutePath());
        return 0;
    }
}
