package dev.forge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
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

    private final int gatewayPort;

    private DeployScripts(Path dir, Path envFile, int gatewayPort, long timeoutSeconds) {
        this.dir = dir;
        this.envFile = envFile;
        this.gatewayPort = gatewayPort;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * A process-mode install in {@code dir}: the demo config, and {@code .env.production} with secrets made of
     * {@code name}, free ports on 127.0.0.1's side, the registry under {@code data/}, and {@code extraEnv} lines.
     * The env file is written with the mode the guide asks for (600).
     */
    public static DeployScripts install(Path dir, String name, long timeoutSeconds, String... extraEnv) throws IOException {
        Files.createDirectories(dir.resolve("config"));
        for (String file : List.of("forge.yaml", "services.yml")) {
            Files.copy(Path.of("config", file), dir.resolve("config").resolve(file));
        }
        Path envFile = dir.resolve(".env.production");
        int gatewayPort = freePort();
        List<String> lines = new ArrayList<>(List.of(
                "JWT_SECRET=" + name + "-test-secret-0123456789-abcdefghijklmnop",
                "FORGE_ENCRYPTION_KEY=" + name + "-test-key-0123456789-abcdefghijklmnopq"));
        lines.addAll(List.of(extraEnv));
        lines.addAll(List.of("LOG_LEVEL=warn", "GATEWAY_PORT=" + gatewayPort,
                "FORGE_SERVICE_MANAGER_PORT=" + freePort(), "TOOL_ROUTER_PORT=" + freePort(),
                "DATA_PATH=" + dir.resolve("data"), "DATABASE_URL=sqlite:///" + dir.resolve("data/mcp.db"),
                "CONFIG_PATH=" + dir.resolve("config"), "FORGE_DEMO_DIR=" + dir, ""));
        Files.writeString(envFile, String.join("\n", lines));
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        return new DeployScripts(dir, envFile, gatewayPort, timeoutSeconds);
    }

    public Path envFile() {
        return envFile;
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
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
