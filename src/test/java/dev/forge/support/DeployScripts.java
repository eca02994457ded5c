package dev.forge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The deployment guide's scripts ({@code scripts/deploy-production.sh}, {@code scripts/maintenance.sh}, …) run in
 * process mode against an install of their own: its env file, state, logs and backups under one directory.
 */
public final class DeployScripts {

    /** What a script printed (standard output and error together) and its exit status. */
    public record Run(int code, String output) {}

    private final Path dir;
    private final Path envFile;
    private final long timeoutSeconds;

    public DeployScripts(Path dir, Path envFile, long timeoutSeconds) {
        this.dir = dir;
        this.envFile = envFile;
        this.timeoutSeconds = timeoutSeconds;
    }

    public Run script(String name, String... args) throws Exception {
        return script(Map.of(), name, args);
    }

    public Run script(Map<String, String> extra, String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of("scripts", name).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(Map.of("ENV_FILE", envFile.toString(),
                "FORGE_STATE_DIR", dir.resolve("run").toString(), "FORGE_LOG_DIR", dir.resolve("logs").toString(),
                "BACKUP_DIR", dir.resolve("backups").toString(), "FORGE_DEPLOY_MODE", "process", "DEPLOY_TIMEOUT", "90"));
        env.putAll(extra);
        return run(command, env, timeoutSeconds);
    }

    public static Run run(List<String> command, Map<String, String> env, long timeoutSeconds) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as(output).isTrue();
        return new Run(process.exitValue(), output);
    }
}
