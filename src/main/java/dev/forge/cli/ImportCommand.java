package dev.forge.cli;

import dev.forge.protocol.Json;
import dev.forge.registry.RegistryException;
import dev.forge.registry.RegistryTransfer;
import dev.forge.registry.SeedFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code forge import FILE}: loads a document from {@code forge export} or {@code GET /export};
 * {@code forge import --seed-dir DIR}: the seed project's {@code gateways.txt}, {@code prompts.txt} and {@code resources.txt}.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = {"Import a registry document, or the seed project's "
        + "line files (gateways.txt, prompts.txt, resources.txt) with --seed-dir.", "Safe to run again: what exists is skipped "
        + "unless --conflict says otherwise."})
final class ImportCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    EnvironmentOption environment = new EnvironmentOption();

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "the document to import")
    Path file;

    @Option(names = "--seed-dir", paramLabel = "DIR", description = "import gateways.txt, prompts.txt and resources.txt from DIR")
    Path seedDir;

    @Option(names = "--config", paramLabel = "FILE", description = "forge.yaml (for DATABASE_URL and friends)")
    Path config;

    @Option(names = "--conflict", paramLabel = "STRATEGY", defaultValue = "skip",
            description = "when a name exists: skip (default), update, rename or fail")
    String conflict;

    @Option(names = "--dry-run", description = "report what would change, change nothing")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
        if ((file == null) == (seedDir == null)) {
            System.err.println("forge: import: give either FILE or --seed-dir DIR");
            return 2;
        }
        if (seedDir != null && !SeedFiles.present(seedDir)) {
            System.err.println("forge: import: " + seedDir + " holds none of " + SeedFiles.FILES);
            return 2;
        }
        try {
            SeedFiles seed = seedDir == null ? null : SeedFiles.read(seedDir);
            var doc = seed == null ? Json.parse(Files.readAllBytes(file)) : seed.document();
            String report = RegistryCommands.withTransfer(config, environment.variables(), t -> {
                if (seed != null) {
                    seed.withoutReserved(t::reservedGatewayOwner);
                }
                var result = t.importDocument(doc, RegistryTransfer.Conflict.parse(conflict), dryRun);
                if (seed != null) {
                    seed.notImported().forEach(result.putArray("not_imported")::add);
                }
                return RegistryCommands.pretty(result);
            });
            System.out.println(report);
            return 0;
        } catch (RegistryException e) {
            System.err.println("forge: import refused, nothing was written: " + e.getMessage());
            return 2;
        }
    }
}
