package dev.forge.cli;

import dev.forge.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --env-file FILE}: variables in {@code KEY=VALUE} lines (as {@code make generate-secrets} writes them, and as
 * docker compose reads them) under the real environment, which wins where both set a name. Between the two, the
 * variables handed over on the pipe {@code FORGE_ENV_FD} names ({@link EnvironmentPipe}; the image's entrypoint
 * passes Forge's secrets that way).
 */
final class EnvironmentOption {

    @Option(names = "--env-file", paramLabel = "FILE", description = "read KEY=VALUE lines from FILE (the real environment wins)")
    Path envFile;

    /** A pipe can be read once: what it held is kept for later calls. */
    private Map<String, String> piped;

    Map<String, String> variables() {
        Map<String, String> merged = new HashMap<>();
        if (envFile != null) {
            merged.putAll(read(envFile));
        }
        if (piped == null) {
            piped = EnvironmentPipe.read(System.getenv(EnvironmentPipe.VARIABLE));
        }
        merged.putAll(piped);
        merged.putAll(System.getenv());
        return merged;
    }

    static Map<String, String> read(Path file) {
        java.util.List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException("--env-file: " + file + ": cannot read (" + e.getMessage() + ")");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--env-file: " + file + ":" + (i + 1) + ": expected KEY=VALUE");
            }
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(line.substring(0, eq).strip(), value);
        }
        return values;
    }
}
