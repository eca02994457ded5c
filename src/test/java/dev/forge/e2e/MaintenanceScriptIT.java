package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.support.DeployScripts;
import dev.forge.support.DeployScripts.Run;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/maintenance.sh} on a process install (the packaged Forge, so this runs after {@code package}): old
 * logs and backups go, new ones stay, a dry run changes nothing, a running Forge really is restarted, and what cannot
 * be done is said clearly. Ages are set with {@code touch -d}, as an operator would check them with {@code find}.
 */
class MaintenanceScriptIT {

    private DeployScripts scripts;

    private Path dir;
    private Path envFile;
    private int gatewayPort;

    @BeforeEach
    void install() throws IOException {
        dir = Files.createTempDirectory("forge-maintenance");
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("backups"));
        scripts = DeployScripts.install(dir, "maintenance", 200);
        envFile = scripts.envFile();
        gatewayPort = scripts.gatewayPort();
    }

    @AfterEach
    void stopWhateverRuns() throws Exception {
        script("deploy-production.sh", "stop");
    }

    @Test
    void oldLogsAndBackupsGoNewOnesStayAndARunningForgeIsRestarted() throws Exception {
        Run deployed = script("deploy-production.sh", "deploy");
        assertThat(deployed.code()).as(deployed.output()).isZero();
        String pidBefore = Files.readString(dir.resolve("run/forge.pid")).trim();

        Path oldLog = aged("logs/gateway-2026-10-01.log", "10 days ago");
        Path weekOldLog = aged("logs/gateway-2026-11-22.log", "6 days ago");
        Path oldNotLog = aged("logs/notes.txt", "90 days ago");
        Path oldDataLog = aged("data/logs/audit-old.log", "20 days ago");
        Path liveLog = aged("logs/forge.log", "12 days ago"); // Forge writes to it: never removed
        Path oldBackup = aged("backups/forge-mcp-gateway-backup-20260901_020000.tar.gz", "90 days ago");
        Path olderBackup = aged("backups/forge-mcp-gateway-backup-20261001_020000.tar.gz", "45 days ago");
        Path newBackup = aged("backups/forge-mcp-gateway-backup-20261125_020000.tar.gz", "5 days ago");
        List<Path> all = List.of(oldLog, weekOldLog, oldNotLog, oldDataLog, liveLog, oldBackup, olderBackup, newBackup);
        Map<Path, FileTime> ages = new HashMap<>();
        for (Path file : all) {
            ages.put(file, Files.getLastModifiedTime(file));
        }

        Run dry = script("maintenance.sh", "--dry-run");
        assertThat(dry.code()).as(dry.output()).isZero();
        assertThat(dry.output()).contains("dry run: nothing is changed").contains("would remove " + oldLog)
                .contains("would remove " + oldDataLog).contains("would remove " + oldBackup)
                .contains("would remove " + olderBackup).contains("would restart Forge (pid " + pidBefore + ")")
                .doesNotContain("would remove " + liveLog).doesNotContain("would remove " + newBackup);
        for (Path file : all) {
            assertThat(file).exists();
            if (!file.equals(liveLog)) { // Forge may write to its log meanwhile
                assertThat(Files.getLastModifiedTime(file)).as(file.toString()).isEqualTo(ages.get(file));
            }
        }
        assertThat(Files.readString(dir.resolve("run/forge.pid")).trim()).isEqualTo(pidBefore);
        assertThat(dir.resolve("run/maintenance.lock")).doesNotExist();

        Run done = script("maintenance.sh");
        assertThat(done.code()).as(done.output()).isZero();
        assertThat(done.output()).contains("maintenance completed");
        assertThat(oldLog).doesNotExist();
        assertThat(oldDataLog).doesNotExist();
        assertThat(oldBackup).doesNotExist();
        assertThat(olderBackup).doesNotExist();
        assertThat(weekOldLog).exists();
        assertThat(oldNotLog).exists();
        assertThat(liveLog).exists();
        assertThat(newBackup).exists();

        String pidAfter = Files.readString(dir.resolve("run/forge.pid")).trim();
        assertThat(pidAfter).isNotEqualTo(pidBefore);
        assertThat(ProcessHandle.of(Long.parseLong(pidBefore)).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(ProcessHandle.of(Long.parseLong(pidAfter))).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);

        // the lock went with the run: the restarted Forge does not hold it, so the next run is not refused
        Run again = script("maintenance.sh", "--backup-days", "1");
        assertThat(again.code()).as(again.output()).isZero();
        assertThat(newBackup).as("the newest backup is kept whatever its age").exists();
    }

    @Test
    void aStoppedInstallIsCleanedButNotStarted() throws Exception {
        Path oldLog = aged("logs/forge.log.2026-11-01.0.log", "29 days ago");
        Path onlyBackup = aged("backups/forge-mcp-gateway-backup-20260801_020000.tar.gz", "120 days ago");
        Run done = script("maintenance.sh", "--log-days", "3");
        assertThat(done.code()).as(done.output()).isZero();
        assertThat(done.output()).contains("logs older than 3 days").contains("Forge is not running: nothing restarted");
        assertThat(oldLog).doesNotExist();
        assertThat(onlyBackup).as("the newest backup is kept whatever its age").exists();
        assertThat(dir.resolve("run/forge.pid")).doesNotExist();
    }

    @Test
    void aBadArgumentIsRefusedWithWhatWasExpected() throws Exception {
        Path oldLog = aged("logs/old.log", "30 days ago");
        Run unknown = script("maintenance.sh", "--purge-everything");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.output()).contains("unknown argument '--purge-everything'").contains("expected: --dry-run");
        Run notDays = script("maintenance.sh", "--log-days", "a week");
        assertThat(notDays.code()).isEqualTo(2);
        assertThat(notDays.output()).contains("--log-days: 'a week' (expected: a whole number of days)");
        Run missing = script("maintenance.sh", "--backup-days");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.output()).contains("--backup-days: ''");
        assertThat(oldLog).as("nothing is done when the arguments are wrong").exists();
    }

    @Test
    void printsTheCronLineAndExplainsItself() throws Exception {
        Run cron = script("maintenance.sh", "--print-cron");
        assertThat(cron.code()).isZero();
        assertThat(cron.output().trim())
                .isEqualTo("0 2 * * * " + Path.of("scripts/maintenance.sh").toAbsolutePath().normalize());
        Run help = script("maintenance.sh", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.output()).contains("--dry-run").contains("--print-cron").contains("--install-cron")
                .contains("process  nothing is downloaded").contains("compose  the registry images pulled");
    }

    /**
     * The compose path with the stand-in docker CLI of {@code DeploymentScriptsIT} (no engine runs here): images are
     * pulled and rebuilt through Compose; no container runs, so none is started.
     */
    @Test
    void composeModeRefreshesTheImagesThroughDockerCompose() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("fake-bin"));
        Path docker = bin.resolve("docker");
        Files.copy(Path.of("src/test/resources/fake-docker.sh"), docker);
        docker.toFile().setExecutable(true);
        Path calls = dir.resolve("docker-calls.log");
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "FAKE_DOCKER_LOG", calls.toString(),
                "FORGE_ROOT", Path.of("").toAbsolutePath().toString(), "FORGE_DEPLOY_MODE", "compose");
        Run dry = script(env, "maintenance.sh", "--dry-run");
        assertThat(dry.code()).as(dry.output()).isZero();
        assertThat(dry.output()).contains("compose mode").contains("would pull the registry images")
                .contains("would rebuild Forge's image");
        String prefix = "compose -f " + Path.of("docker-compose.production.yml").toAbsolutePath() + " --env-file " + envFile + " ";
        assertThat(Files.exists(calls) ? Files.readAllLines(calls) : List.<String>of())
                .noneMatch(call -> call.contains(" pull") || call.contains(" build"));
        Run done = script(env, "maintenance.sh");
        assertThat(done.code()).as(done.output()).isZero();
        assertThat(done.output()).contains("no container runs: nothing restarted");
        assertThat(Files.readAllLines(calls)).contains(prefix + "pull --ignore-buildable", prefix + "build --pull --no-cache")
                .noneMatch(call -> call.contains(" up "));
    }

    /** Creates FILE under the install, last modified AGE ("10 days ago"), with {@code touch -d}. */
    private Path aged(String file, String age) throws Exception {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        if (!Files.exists(path)) {
            Files.writeString(path, "x\n");
        }
        Run touched = run(List.of("touch", "-d", age, path.toString()), Map.of());
        assertThat(touched.code()).as(touched.output()).isZero();
        return path;
    }

    private Run script(String name, String... args) throws Exception {
        return scripts.script(name, args);
    }

    private Run script(Map<String, String> extra, String name, String... args) throws Exception {
        return scripts.script(extra, name, args);
    }

    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        return DeployScripts.run(command, env, 200);
    }

}
