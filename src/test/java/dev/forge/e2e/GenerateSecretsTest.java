package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code make generate-secrets} (the script it runs): strong values, mode 600, existing values kept unless forced, placeholders filled. */
class GenerateSecretsTest {

    static final List<String> NAMES = List.of("JWT_SECRET", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "GRAFANA_PASSWORD",
            "FORGE_ENCRYPTION_KEY");

    static String run(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("user.dir"), "scripts", "generate-secrets.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static Map<String, String> read(Path file) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) values.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return values;
    }

    @Test
    void writesStrongSecretsPrivatelyAndKeepsThemOnASecondRun() throws Exception {
        Path dir = Files.createTempDirectory("forge-secrets");
        Path file = dir.resolve(".env.production");
        Files.writeString(file, "JWT_SECRET=your-super-secure-jwt-secret-key-here-at-least-32-chars\n"
                + "POSTGRES_PASSWORD=chosen-by-the-operator\nLOG_LEVEL=warn\n");
        run(dir, file.toString());
        Map<String, String> first = read(file);
        assertThat(first.keySet()).containsAll(NAMES);
        assertThat(first.get("POSTGRES_PASSWORD")).isEqualTo("chosen-by-the-operator");
        assertThat(first.get("LOG_LEVEL")).isEqualTo("warn");
        for (String name : NAMES) {
            if (!name.equals("POSTGRES_PASSWORD")) {
                assertThat(first.get(name)).as(name).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9]+").doesNotStartWith("your-");
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        assertThat(run(dir, file.toString())).contains("already has every secret");
        assertThat(read(file)).isEqualTo(first);

        run(dir, file.toString(), "--force");
        Map<String, String> forced = read(file);
        for (String name : NAMES) {
            assertThat(forced.get(name)).as(name).isNotEqualTo(first.get(name));
        }
    }
}
