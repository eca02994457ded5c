package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.fixture.ConformanceFixture;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official conformance suite ({@code @modelcontextprotocol/conformance}, server mode, active suite) against the
 * gateway's single-upstream endpoint, with {@link ConformanceFixture} as the upstream over stdio.
 */
class ConformanceSuiteTest {

    /** Every active scenario passes; a scenario named here would be allowed to fail. */
    static final Set<String> NOT_YET_PASSING = Set.of();
    static final Pattern RESULT_LINE = Pattern.compile("^([\u2713\u2717]) ([a-z0-9-]+): \\d+ passed", Pattern.MULTILINE);

    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        gateway = TestGateways.start(List.of(TestGateways.stdio("conformance",
                List.of(java, "-cp", System.getProperty("java.class.path"), ConformanceFixture.class.getName()))));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    @Test
    void theActiveServerSuitePasses() throws Exception {
        Path out = Path.of("target", "conformance");
        Files.createDirectories(out);
        Process p = new ProcessBuilder(Peers.node(), Peers.module("@modelcontextprotocol/conformance/dist/index.js"),
                "server", "--url", TestGateways.baseUrl(gateway) + "/gateways/conformance/mcp", "-o", out.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        Files.writeString(out.resolve("summary.txt"), output);
        Map<String, Boolean> results = new TreeMap<>();
        Matcher m = RESULT_LINE.matcher(output);
        while (m.find()) {
            results.put(m.group(2), m.group(1).equals("\u2713"));
        }
        assertThat(results).as("scenario results in %s", out.resolve("summary.txt")).hasSizeGreaterThan(25);
        List<String> failing = results.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        assertThat(failing).as("scenarios failing through the gateway").isSubsetOf(NOT_YET_PASSING);
    }
}
