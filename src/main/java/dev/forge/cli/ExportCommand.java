package dev.forge.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forge export}: the registry as JSON, as {@code GET /export} gives it. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write the whole registry as one JSON document.")
final class ExportCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    EnvironmentOption environment = new EnvironmentOption();

    @Option(names = "--config", paramLabel = "FILE", description = "forge.yaml (for DATABASE_URL and friends)")
    Path config;

    @Option(names = "--output", paramLabel = "FILE", description = "write here instead of standard output")
    Path output;

    @Option(names = "--include-secrets", description = "include header and environment values (masked otherwise)")
    boolean includeSecrets;

    @Override
    public Integer call() throws Exception {
        String doc = RegistryCommands.withTransfer(config, environment.variables(), t -> RegistryCommands.pretty(t.export(includeSecrets)));
        RegistryCommands.write(output, doc);
        return 0;
    }
}
