package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.config.ChildEnvironment;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.ToolCaller;
import dev.forge.support.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a hostile server Forge starts can take from Forge's process rather than from its own environment: its parent's
 * {@code /proc/<pid>/environ} (the environment the JVM started with), {@code mem} and {@code fd}, or the JVM itself
 * through the JDK's attach mechanism (heap dumps, agents). The server
 * (src/test/resources/node/hostile-server.mjs) runs as the same user as Forge, as it does in production; when these
 * tests run as root, Forge and so the server run as {@code nobody}, since root reads any process's /proc entries.
 * Also the image's entrypoint: it hands the secrets to Forge on a pipe and keeps none in the process that stays.
 */
class ProcessProtectionIT {

    private static final int NOBODY = 65534;
    private static final String JWT_SECRET = "proc-test-jwt-secret-0123456789abcdefghij";
    private static final Map<String, String> SECRETS = Map.of(
            "JWT_SECRET", JWT_SECRET,
            "FORGE_ENCRYPTION_KEY", "proc-test-encryption-key-0123456789abcdef",
            "POSTGRES_PASSWORD", "proc-test-pg-password-must-not-leak",
            "BASIC_AUTH_PASSWORD", "proc-test-basic-password-must-not-leak",
            "GITHUB_TOKEN", "proc-test-operator-token-must-not-leak");

    private Path dir;
    private Path server;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void install() throws Exception {
        dir = Files.createTempDirectory("forge-proc");
        // Forge may run as another user than this test: it writes its data here and reads the server's script
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        server = dir.resolve("hostile-server.mjs");
        try (InputStream in = ProcessProtectionIT.class.getResourceAsStream("/node/hostile-server.mjs")) {
            Files.write(server, in.readAllBytes());
        }
        if (root()) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")),
                    "these tests run as root, which reads every process's /proc entries, and setpriv (util-linux) "
                            + "is missing to run Forge as nobody");
            Run readable = run(asForgeUser(List.of("test", "-r", Path.of("target/forge.jar").toAbsolutePath().toString(),
                    "-a", "-x", Path.of("bin/forge").toAbsolutePath().toString(), "-a", "-x", Peers.node())), Map.of());
            Assumptions.assumeTrue(readable.code() == 0, "these tests run as root and Forge must run as nobody, who "
                    + "cannot read the packaged jar, bin/forge or Node where they are (move the checkout where others can)");
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aServerForgeServesCannotReadForgesEnvironmentMemoryOrDescriptors() throws Exception {
        int port = NodeHttpServer.freePort();
        Path log = startServe(List.of("bin/forge", "serve", "--config", config().toString()), environment(port));
        String gateway = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(90)).until(() -> ToolCaller.status(gateway + "/ready") == 200);

        String answer = peek(gateway + "/mcp", "hostile__peek");
        assertProtected("forge serve", answer);
        assertThat(Files.readString(log)).contains("process protection: on");
    }

    @Test
    void theServerBehindTranslateCannotReadForgesEnvironmentEither() throws Exception {
        int port = NodeHttpServer.freePort();
        Path log = startBridge(port, Map.of());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("forge translate: serving"));

        assertProtected("forge translate --stdio", peek("http://127.0.0.1:" + port + "/mcp", "peek"));
        assertThat(Files.readString(log)).contains("process protection: on");
    }

    /** The same server and user with the protection turned off: what the others would have read. */
    @Test
    void turnedOffTheSameServerReadsEverySecretForgeWasStartedWith() throws Exception {
        int port = NodeHttpServer.freePort();
        Path log = startBridge(port, Map.of("FORGE_PROCESS_PROTECTION", "false"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("forge translate: serving"));

        JsonNode peeked = Json.parse(peek("http://127.0.0.1:" + port + "/mcp", "peek"));
        assertThat(peeked.path("environ").path("ok").asBoolean()).as(peeked.toString()).isTrue();
        assertThat(peeked.path("environ").path("got").toString()).contains("JWT_SECRET=" + JWT_SECRET);
        assertThat(peeked.path("attach").path("ok").asBoolean()).as(peeked.toString()).isTrue();
        assertThat(peeked.path("attach").path("got").asString()).as("the JVM's system properties").contains("java.");
        assertThat(Files.readString(log)).contains("process protection: off (FORGE_PROCESS_PROTECTION=false)");
    }

    @Test
    void anInvalidSettingStopsStartUpNamingTheVariable() throws Exception {
        Map<String, String> env = environment(NodeHttpServer.freePort());
        env.put("FORGE_PROCESS_PROTECTION", "sometimes");
        Run refused = run(asForgeUser(List.of("bin/forge", "serve", "--config", config().toString())), env);
        assertThat(refused.code()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains("FORGE_PROCESS_PROTECTION: 'sometimes' (expected: true | false)");
    }

    /**
     * docker/entrypoint.sh as the image runs it, with every secret in its environment as compose's env_file puts
     * them: Forge gets them (it accepts a token signed with JWT_SECRET; its hostile server finds nothing), and the
     * process that stays where the entrypoint was (tini when installed, as in the image; else Forge itself) holds
     * none, nor does its inherited pipe give anything to a process of its user that opens it.
     */
    @Test
    void theEntrypointHandsTheSecretsToForgeOnAPipeAndKeepsNoneInTheProcessThatStays() throws Exception {
        int port = NodeHttpServer.freePort();
        Map<String, String> env = environment(port);
        env.put("CONFIG_PATH", dir.toString());
        Files.copy(config(), dir.resolve("forge.yaml"));
        Path log = dir.resolve("entrypoint.log");
        Process entrypoint = start(asForgeUser(List.of(Path.of("docker/entrypoint.sh").toAbsolutePath().toString())), env, log);
        String gateway = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(90)).until(() -> ToolCaller.status(gateway + "/ready") == 200);

        String forged = Tokens.hs256("not-the-secret-0123456789abcdefghijklmnop", Tokens.claims("x").claim("role", "admin").build());
        assertThat(Tokens.send("POST", gateway + "/mcp", forged, "{}").statusCode()).as("a token Forge's JWT_SECRET did not sign").isEqualTo(401);
        assertProtected("forge serve through the entrypoint", peek(gateway + "/mcp", "hostile__peek")); // signed with it
        long stays = entrypoint.pid(); // setpriv and the entrypoint exec, so this is the process that stays
        String first = environOf(stays);
        assertThat(first).as("the process that stays (%s)", comm(stays)).contains("FORGE_ENV_FD=3");
        assertNoSecret("the environment of the process that stays", first);
        for (ProcessHandle child : ProcessHandle.of(stays).orElseThrow().descendants().toList()) {
            assertNoSecret("the environment of " + comm(child.pid()), environOf(child.pid()));
        }
        List<String> reader = List.of("timeout", "10", "cat", "/proc/" + stays + "/fd/3");
        // tini can be read by the servers' user; Forge itself, not dumpable, by root alone
        Run drained = run("tini".equals(comm(stays)) ? asForgeUser(reader) : reader, Map.of());
        assertThat(drained.code()).as(drained.output()).isZero();
        assertThat(drained.output()).as("what is left on the pipe").isEmpty();
        assertNoSecret("Forge's output", Files.readString(log));
    }

    private void assertProtected(String cell, String answer) {
        JsonNode peeked = Json.parse(answer);
        assertThat(peeked.path("uid").asInt()).as(cell + ": the server runs as a user who is not root").isNotZero();
        for (String entry : List.of("environ", "mem", "fd")) {
            assertThat(peeked.path(entry).path("ok").asBoolean()).as(cell + ": /proc/<forge>/" + entry + ": " + answer).isFalse();
            assertThat(peeked.path(entry).path("error").asString()).as(cell + ": " + entry).isIn("EACCES", "EPERM");
        }
        assertThat(peeked.path("attach").path("ok").asBoolean()).as(cell + ": attaching as jcmd does: " + answer).isFalse();
        assertNoSecret(cell + ": what the server found", answer);
    }

    private static void assertNoSecret(String what, String text) {
        SECRETS.forEach((name, value) -> assertThat(text).as(what + ": the value of " + name).doesNotContain(value));
    }

    private Path config() throws IOException {
        Path config = dir.resolve("hostile.yaml");
        Files.writeString(config, """
                gateways:
                  - name: hostile
                    command: ["%s", "%s"]
                """.formatted(Peers.node(), server));
        return config;
    }

    /** Forge's environment: what a program needs, every secret, and ports and data of this test's own. */
    private Map<String, String> environment(int port) throws IOException {
        Map<String, String> env = new HashMap<>(ChildEnvironment.passedThrough(System.getenv()));
        env.putAll(SECRETS);
        env.put("HOME", dir.toString());
        env.put("DATA_PATH", dir.resolve("data").toString());
        env.put("GATEWAY_PORT", String.valueOf(port));
        env.put("FORGE_SERVICE_MANAGER_PORT", String.valueOf(NodeHttpServer.freePort()));
        env.put("TOOL_ROUTER_PORT", String.valueOf(NodeHttpServer.freePort()));
        env.put("RATE_LIMIT_PER_MINUTE", "0");
        return env;
    }

    private Path startServe(List<String> command, Map<String, String> env) throws IOException {
        Path log = dir.resolve("forge.log");
        start(asForgeUser(command), env, log);
        return log;
    }

    private Path startBridge(int port, Map<String, String> more) throws IOException {
        Map<String, String> env = environment(NodeHttpServer.freePort());
        env.putAll(more);
        Path log = dir.resolve("translate.log");
        start(asForgeUser(List.of("bin/forge", "translate", "--stdio", Peers.node() + " " + server, "--port",
                String.valueOf(port))), env, log);
        return log;
    }

    private Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    /** {@code command} as the user Forge runs as here: this one, or nobody when this is root. */
    private static List<String> asForgeUser(List<String> command) throws IOException {
        if (!root()) {
            return command;
        }
        List<String> dropped = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        dropped.addAll(command);
        return dropped;
    }

    private static boolean root() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    private static String environOf(long pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8).replace('\0', '\n');
    }

    private static String comm(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
    }

    record Run(int code, String output) {}

    private static Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        return new Run(process.exitValue(), output);
    }

    private static String peek(String endpoint, String tool) throws Exception {
        return ToolCaller.text(endpoint, tool, Tokens.hs256(JWT_SECRET, Tokens.claims("proc-test").claim("role", "admin").build()));
    }
}
