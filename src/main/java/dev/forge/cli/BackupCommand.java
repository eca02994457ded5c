package dev.forge.cli;

import dev.forge.config.ConfigLoader;
import dev.forge.config.ForgeConfig;
import dev.forge.store.SqliteBackup;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forge backup}: a consistent copy of the registry, safe while the gateway runs. */
@Command(name = "backup", mixinStandardHelpOptions = true, description = "Copy the registry database while Forge runs.")
final class BackupCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    EnvironmentOption environment = new EnvironmentOption();

    @Option(names = "--config", paramLabel = "FILE", description = "forge.yaml")
    Path config;

    @Option(names = "--output", paramLabel = "FILE", description = "where to write (default: forge-backup-<time>.db)")
    Path output;

    @Override
    public Integer call() throws Exception {
        ForgeConfig loaded = new ConfigLoader(environment.variables()).load(new ConfigLoader.Flags(config, null, null));
        Path target = output != null ? output
                : Path.of("forge-backup-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + ".db");
        try {
            SqliteBackup.backup(loaded.database(), target, percent -> System.err.print("\rbacking up: " + percent + "%"));
        } catch (IllegalArgumentException | IllegalStateException | java.sql.SQLException e) {
            System.err.println("forge: " + e.getMessage());
            return 2;
        }
        System.err.println();
        System.out.println(target.toAbsolutePath());
        return 0;
    }
}
