package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the operator docs' checked commands against a real Forge: every fenced {@code bash} block preceded by
 * {@code <!-- checked -->} in RUNBOOK.md, TROUBLESHOOTING.md and ONBOARDING.md, in order, one shell per document (so a
 * {@code TOKEN} set in one block serves the next), from a process-mode install deployed with
 * {@code scripts/deploy-production.sh}. The docs' ports (4444, 9000, 8001) become free ones on 127.0.0.1. Each block
 * must finish with status 0 ({@code set -e}), and where it shows output ({@code #>} lines) its standard output must
 * match: {@code …} stands for any text in a line, a line {@code …} for any number of lines.
 */
class DocsCommandsIT {

    private static final List<String> DOCS = List.of("RUNBOOK.md", "TROUBLESHOOTING.md", "ONBOARDING.md");
    private static final String MARKER = "<!-- checked -->";
    private static final long DOC_TIMEOUT_SECONDS = 420;

    record Block(String doc, int line, List<String> code, List<String> expected) {}

    record Ports(int gateway, int manager, int router) {
        String apply(String text) {
            return text.replace("localhost:4444", "127.0.0.1:" + gateway).replace("localhost:9000", "127.0.0.1:" + manager)
                    .replace("localhost:8001", "127.0.0.1:" + router).replace(":4444", ":" + gateway)
                    .replace(":9000", ":" + manager).replace(":8001", ":" + router);
        }
    }

    private static Path install;
    private static Ports ports;
    private static Map<String, String> scriptEnv;

    /** An install like the guide's /opt/forge-mcp-gateway: this build's bin/ and scripts/, the demo config, an env file. */
    @BeforeAll
    static void deploy() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        install = Files.createTempDirectory("forge-docs");
        Files.createSymbolicLink(install.resolve("bin"), repo.resolve("bin"));
        Files.createSymbolicLink(install.resolve("scripts"), repo.resolve("scripts"));
        Files.createDirectories(install.resolve("config"));
        for (String file : List.of("forge.yaml", "services.yml")) {
            Files.copy(repo.resolve("config").resolve(file), install.resolve("config").resolve(file));
        }
        ports = new Ports(freePort(), freePort(), freePort());
        Path envFile = install.resolve(".env.production");
        Files.writeString(envFile, String.join("\n",
                "JWT_SECRET=docs-check-secret-0123456789-abcdefghijklmnop",
                "FORGE_ENCRYPTION_KEY=docs-check-key-0123456789-abcdefghijklmnopq",
                "NODE_ENV=production",
                "LOG_LEVEL=info",
                "GATEWAY_HOST=127.0.0.1",
                "GATEWAY_PORT=" + ports.gateway(),
                "FORGE_SERVICE_MANAGER_PORT=" + ports.manager(),
                "TOOL_ROUTER_PORT=" + ports.router(),
                "DATA_PATH=" + install.resolve("data"),
                "CONFIG_PATH=" + install.resolve("config"),
                "FORGE_DEMO_DIR=" + install,
                ""));
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString("rw-------"));
        // the scripts find their install through their own path, which is this checkout: point them at the copy
        scriptEnv = Map.of("ENV_FILE", envFile.toString(), "FORGE_STATE_DIR", install.resolve("run").toString(),
                "FORGE_LOG_DIR", install.resolve("logs").toString(), "BACKUP_DIR", install.resolve("backups").toString(),
                "FORGE_DEPLOY_MODE", "process", "DEPLOY_TIMEOUT", "90");
        Run deployed = bash("scripts/deploy-production.sh deploy", 150);
        assertThat(deployed.code()).as(deployed.stdout() + deployed.stderr()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        if (install != null) {
            Run stopped = bash("scripts/deploy-production.sh stop", 60);
            assertThat(stopped.code()).as(stopped.stdout() + stopped.stderr()).isZero();
            try (var files = Files.walk(install)) { // the symlinks go, never what they point at
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void everyCheckedCommandOfTheOperatorDocsRunsAndPrintsWhatTheDocShows() throws Exception {
        List<String> failures = new ArrayList<>();
        int blocks = 0;
        int shown = 0;
        for (String doc : DOCS) {
            List<Block> checked = blocks(doc);
            assertThat(checked).as(doc + " has checked blocks").isNotEmpty();
            blocks += checked.size();
            shown += (int) checked.stream().flatMap(b -> steps(b).stream()).filter(s -> !s.expected().isEmpty()).count();
            failures.addAll(runDocument(doc, checked));
        }
        assertThat(failures).as("docs commands that failed or printed something else").isEmpty();
        assertThat(blocks).isGreaterThanOrEqualTo(20);
        assertThat(shown).as("commands whose output the docs show, and were compared").isGreaterThanOrEqualTo(40);
    }

    @Test
    void theGuidesLoadTestIsShownWithItsTenAnswers() throws IOException {
        Block loadTest = blocks("RUNBOOK.md").stream().filter(b -> String.join("\n", b.code()).contains("for i in {1..10}"))
                .findFirst().orElseThrow();
        assertThat(loadTest.expected()).hasSize(10).containsOnly("200");
    }

    /**
     * A command of a block and the output the doc shows for it. A command is a line and its continuations ({@code \\} at
     * the end, the body of a multi-line loop, comments, a {@code wait} for its background jobs); the {@code #>} lines
     * after it are its output (none: not compared).
     */
    record Step(Block block, List<String> code, List<String> expected) {}

    static List<Step> steps(Block block) {
        List<Step> steps = new ArrayList<>();
        List<String> code = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        int depth = 0;
        boolean continued = false;
        for (String line : block.code()) {
            if (line.startsWith("#>")) {
                expected.add(line.substring(2).replaceFirst("^ ", "").stripTrailing());
                continue;
            }
            String bare = line.strip();
            boolean joins = bare.isEmpty() || bare.startsWith("#") || bare.equals("wait"); // `wait` belongs to what it waits for
            if (depth == 0 && !continued && !joins && !(code.isEmpty() && expected.isEmpty())) {
                steps.add(new Step(block, code, expected));
                code = new ArrayList<>();
                expected = new ArrayList<>();
            }
            code.add(line);
            if (bare.matches("(for|while|until) .*; do") || bare.matches("if .*; then")) {
                depth++;
            } else if (depth > 0 && (bare.startsWith("done") || bare.startsWith("fi"))) {
                depth--;
            }
            continued = bare.endsWith("\\");
        }
        if (!code.isEmpty() || !expected.isEmpty()) {
            steps.add(new Step(block, code, expected));
        }
        return steps;
    }

    /**
     * Runs a document's checked blocks in one shell, a marker printed before each command (after a newline: an output
     * without one, like curl's JSON, stays its own line), and reports the commands that failed or printed something else.
     */
    private static List<String> runDocument(String doc, List<Block> checked) throws Exception {
        List<Step> steps = new ArrayList<>();
        checked.forEach(block -> steps.addAll(steps(block)));
        StringBuilder script = new StringBuilder("set -e\n");
        for (int i = 0; i < steps.size(); i++) {
            script.append("printf '\\n@@step ").append(i).append("@@\\n'\n");
            steps.get(i).code().forEach(line -> script.append(ports.apply(line)).append('\n'));
        }
        script.append("printf '\\n@@step ").append(steps.size()).append("@@\\n'\n");
        Run run = bash(script.toString(), DOC_TIMEOUT_SECONDS);
        List<String> failures = new ArrayList<>();
        String[] outputs = run.stdout().split("\n@@step \\d+@@\n", -1);
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String where = doc + ":" + step.block().line() + ": " + step.code().getFirst().strip();
            if (i + 2 >= outputs.length) { // the marker after this command never came: set -e stopped the shell here
                failures.add(where + ": failed (exit " + run.code() + "); it printed:\n" + tail(i + 1 < outputs.length
                        ? outputs[i + 1] : "") + "\nstderr:\n" + tail(run.stderr()));
                break;
            }
            String output = outputs[i + 1];
            List<String> printed = output.isEmpty() ? List.of()
                    : java.util.Arrays.stream(output.split("\n", -1)).map(String::stripTrailing).toList();
            if (output.endsWith("\n")) {
                printed = printed.subList(0, printed.size() - 1);
            }
            List<String> expected = step.expected().stream().map(ports::apply).toList();
            if (!expected.isEmpty() && !matches(expected, 0, printed, 0)) {
                failures.add(where + ": printed\n  " + String.join("\n  ", printed) + "\nexpected\n  " + String.join("\n  ", expected));
            }
        }
        if (failures.isEmpty() && run.code() != 0) {
            failures.add(doc + ": the shell ended with " + run.code() + "\n" + tail(run.stderr()));
        }
        return failures;
    }

    static List<Block> blocks(String doc) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("docs", doc), StandardCharsets.UTF_8);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals(MARKER)) {
                continue;
            }
            int fence = i + 1;
            assertThat(lines.get(fence).strip()).as(doc + ":" + (fence + 1) + " follows " + MARKER).isEqualTo("```bash");
            List<String> code = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            int l = fence + 1;
            for (; !lines.get(l).strip().equals("```"); l++) {
                code.add(lines.get(l));
                if (lines.get(l).startsWith("#>")) {
                    expected.add(lines.get(l).substring(2).replaceFirst("^ ", "").stripTrailing());
                }
            }
            blocks.add(new Block(doc, fence + 1, code, expected));
            i = l;
        }
        return blocks;
    }

    /** {@code …} alone on a line matches any number of lines; inside a line, any text. */
    static boolean matches(List<String> expected, int e, List<String> actual, int a) {
        if (e == expected.size()) {
            return a == actual.size();
        }
        if (expected.get(e).equals("…")) {
            for (int skip = a; skip <= actual.size(); skip++) {
                if (matches(expected, e + 1, actual, skip)) {
                    return true;
                }
            }
            return false;
        }
        return a < actual.size() && line(expected.get(e)).matcher(actual.get(a)).matches() && matches(expected, e + 1, actual, a + 1);
    }

    private static Pattern line(String expected) {
        StringBuilder regex = new StringBuilder();
        for (String part : expected.split("…", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    record Run(int code, String stdout, String stderr) {}

    /** bash in the install, with the scripts' settings; output to files, so a process left behind cannot hold a pipe. */
    private static Run bash(String script, long timeoutSeconds) throws Exception {
        Path out = Files.createTempFile(install, "stdout", ".txt");
        Path err = Files.createTempFile(install, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(install.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(scriptEnv == null ? new HashMap<>() : scriptEnv);
        Process process = builder.start();
        process.getOutputStream().close(); // no command reads a terminal
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        Run run = new Run(finished ? process.exitValue() : -1, Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return run;
    }

    private static int indexOf(String[] lines, String line) {
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].equals(line)) {
                return i;
            }
        }
        return -1;
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 30), lines.length));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
