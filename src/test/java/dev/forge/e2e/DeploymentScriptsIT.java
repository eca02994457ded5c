package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.support.DeployScripts;
import dev.forge.support.DeployScripts.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deployment guide's scripts against the packaged Forge (bin/forge and target/forge.jar, so this runs after
 * {@code package}): {@code deploy-production.sh} deploys, verifies with a real token, stops; {@code
 * backup-production.sh} backs up while Forge runs, refuses to restore under it, and restores what was lost.
 */
class DeploymentScriptsIT {

    private DeployScripts scripts;

    private Path dir;
    private Path envFile;
    private int gatewayPort;

    @BeforeEach
    void install() throws IOException {
        dir = Files.createTempDirectory("forge-deploy");
        scripts = DeployScripts.install(dir, "deploy", 150, "NODE_ENV=production");
        envFile = scripts.envFile();
        gatewayPort = scripts.gatewayPort();
    }

    @AfterEach
    void stopWhateverRuns() throws Exception {
        script("deploy-production.sh", "stop");
    }

    @Test
    void deploysVerifiesBacksUpAndRestoresAProcessInstall() throws Exception {
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-r--r--"));
        Run exposed = script("deploy-production.sh", "preflight");
        assertThat(exposed.code()).isNotZero();
        assertThat(exposed.output()).contains("readable by others: chmod 600");
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        assertThat(script("deploy-production.sh", "preflight").code()).isZero();

        Run deployed = script("deploy-production.sh", "deploy");
        assertThat(deployed.code()).as(deployed.output()).isZero();
        assertThat(deployed.output()).contains("gateway").contains("healthy, ready");
        Run verified = script("deploy-production.sh", "verify");
        assertThat(verified.code()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("POST /tools {task}          ok").contains("GET /services       ok")
                .contains("GET /status             ok").contains("verified");
        assertThat(script("deploy-production.sh", "status").output()).contains("Forge is running: pid");
        assertThat(dir.resolve("logs/forge.log")).exists(); // Forge's own rolled log, not a redirected stream

        Run backedUp = script("backup-production.sh");
        assertThat(backedUp.code()).as(backedUp.output()).isZero();
        Path archive;
        try (Stream<Path> files = Files.list(dir.resolve("backups"))) {
            archive = files.filter(f -> f.getFileName().toString().matches("forge-mcp-gateway-backup-\\d{8}_\\d{6}\\.tar\\.gz"))
                    .findFirst().orElseThrow();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive))).isEqualTo("rw-------");
        assertThat(run(List.of("tar", "tzf", archive.toString()), Map.of()).output())
                .contains("./data/mcp.db").contains("./config/forge.yaml").contains("./.env.production");

        Run underForge = script("backup-production.sh", "restore");
        assertThat(underForge.code()).isNotZero();
        assertThat(underForge.output()).contains("Forge is running; stop it first");

        Run stopped = script("deploy-production.sh", "stop");
        assertThat(stopped.output()).contains("stopped");
        Run down = script("deploy-production.sh", "health");
        assertThat(down.code()).isNotZero();
        assertThat(down.output()).contains("DOWN");

        Files.writeString(dir.resolve("data/mcp.db"), "not a database any more");
        Run restored = script("backup-production.sh", "restore");
        assertThat(restored.code()).as(restored.output()).isZero();
        assertThat(restored.output()).contains("could not be opened; it was kept as").contains("Restore completed");
        Run redeployed = script("deploy-production.sh", "deploy");
        assertThat(redeployed.code()).as(redeployed.output()).isZero();
        assertThat(script("deploy-production.sh", "verify").output()).contains("verified");
    }

    @Test
    void aPlaceholderSecretStopsTheDeploymentBeforeAnythingStarts() throws Exception {
        Files.writeString(envFile, Files.readString(envFile).replaceFirst("JWT_SECRET=.*",
                "JWT_SECRET=your-super-secure-jwt-secret-key-here-at-least-32-chars"));
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        Run full = script("deploy-production.sh", "full");
        assertThat(full.code()).isNotZero();
        assertThat(full.output()).contains("JWT_SECRET is a placeholder").doesNotContain("starting");
        assertThat(script("deploy-production.sh", "health").output()).contains("DOWN");
    }

    @Test
    void aForgeThatCannotStartIsReportedWithItsOwnWords() throws Exception {
        Files.writeString(envFile, Files.readString(envFile) + "CONNECTION_TIMEOUT=soon\n");
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        Run deployed = script("deploy-production.sh", "deploy");
        assertThat(deployed.code()).isNotZero();
        assertThat(deployed.output()).contains("Forge exited while starting").contains("CONNECTION_TIMEOUT");
        assertThat(script("deploy-production.sh", "status").output()).contains("Forge is not running");
    }

    @Test
    void theImagesEntrypointServesARoleOrRunsAForgeCommand() throws Exception {
        Path entrypoint = Path.of("docker", "entrypoint.sh").toAbsolutePath();
        Run help = run(List.of(entrypoint.toString(), "--help"), Map.of());
        assertThat(help.code()).as(help.output()).isZero();
        assertThat(help.output()).contains("serve").contains("--role");
        Run tokens = run(List.of(entrypoint.toString(), "token", "list", "--env-file", envFile.toString()), Map.of());
        assertThat(tokens.code()).as(tokens.output()).isZero();
        assertThat(tokens.output()).contains("NAME").contains("EXPIRES");
        Run unknownRole = run(List.of(entrypoint.toString(), "--role", "janitor"), Map.of());
        assertThat(unknownRole.code()).isNotZero();
        assertThat(unknownRole.output()).contains("janitor");
    }

    /**
     * The compose path, with a stand-in for the docker CLI (no Docker engine runs here; see fake-docker.sh) and a real
     * Forge in the containers' place: the script drives compose as it should and verifies through the gateway.
     */
    @Test
    void composeModeBuildsStartsVerifiesAndStopsThroughDockerCompose() throws Exception {
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        Path bin = Files.createDirectories(dir.resolve("fake-bin"));
        Path docker = bin.resolve("docker");
        Files.copy(Path.of("src/test/resources/fake-docker.sh"), docker);
        docker.toFile().setExecutable(true);
        Path calls = dir.resolve("docker-calls.log");
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "FAKE_DOCKER_LOG", calls.toString(),
                "FORGE_ROOT", Path.of("").toAbsolutePath().toString(), "FORGE_DEPLOY_MODE", "auto");
        Process containers = new ProcessBuilder("bin/forge", "serve", "--env-file", envFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containers.log").toFile()).start();
        try {
            Run full = script(env, "deploy-production.sh", "full");
            assertThat(full.code()).as(full.output()).isZero();
            assertThat(full.output()).contains("preflight (compose mode").contains("building the image")
                    .contains("starting the containers").contains("healthy, ready").contains("verified");
            Run stopped = script(env, "deploy-production.sh", "stop");
            assertThat(stopped.output()).contains("stopping the containers");
            String composeFile = Path.of("docker-compose.production.yml").toAbsolutePath().toString();
            String prefix = "compose -f " + composeFile + " --env-file " + envFile + " ";
            assertThat(Files.readAllLines(calls)).contains(prefix + "config --quiet", prefix + "build",
                    prefix + "up -d --remove-orphans", prefix + "down")
                    .anyMatch(call -> call.startsWith(prefix + "exec -T gateway /app/bin/forge token create"))
                    .anyMatch(call -> call.startsWith(prefix + "exec -T gateway /app/bin/forge token revoke"));
        } finally {
            containers.destroy();
            assertThat(containers.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private Run script(String name, String... args) throws Exception {
        return scripts.script(name, args);
    }

    private Run script(Map<String, String> extra, String name, String... args) throws Exception {
        return scripts.script(extra, name, args);
    }

    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        return DeployScripts.run(command, env, 150);
    }

}
