package dev.forge.cli;

import dev.forge.protocol.Json;
import dev.forge.registry.RegistryException;
import dev.forge.registry.RegistryTransfer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code forge import FILE}: loads a document from {@code forge export} or {@code GET /export}. */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Import a registry document.")
final class ImportCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    EnvironmentOption environment = new EnvironmentOption();

    @Parameters(index = "0", paramLabel = "FILE", description = "the document to import")
    Path file;

    @Option(names = "--config", paramLabel = "FILE", description = "forge.yaml (for DATABASE_URL and friends)")
    Path config;

    @Option(names = "--conflict", paramLabel = "STRATEGY", defaultValue = "skip",
            description = "when a name exists: skip (default), update, rename or fail")
    String conflict;

    @Option(names = "--dry-run", description = "report what would change, change nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        var doc = Json.parse(Files.readAllBytes(file));
        try {
            String report = RegistryCommands.withTransfer(config, environment.variables(), t ->
                    RegistryCommands.pretty(t.importDocument(doc, RegistryTransfer.Conflict.parse(conflict), dryRun)));
            System.out.println(report);
            return 0;
        } catch (RegistryException e) {
            System.err.println("forge: import refused, nothing was written: " + e.getMessage());
            return 2;
        }
    }
}
