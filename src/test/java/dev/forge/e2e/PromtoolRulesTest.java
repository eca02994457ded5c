package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.support.PrometheusServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Prometheus's own checker on the shipped monitoring files: the rules and the scrape configuration load, and the
 * rules' unit tests (monitoring/alerting.test.yml) pass and cover every alert both firing and staying quiet. A rule
 * that would page at the wrong time, or never, fails here rather than in production.
 */
class PromtoolRulesTest {

    private static final Path RULES = Path.of("monitoring/alerting.yml");
    private static final Path RULE_TESTS = Path.of("monitoring/alerting.test.yml");

    @Test
    void theAlertingRulesLoad() throws Exception {
        promtool("check", "rules", RULES.toString());
    }

    /** The shipped config names its rules as {@code alerting.yml}, beside it: the check loads them from there. */
    @Test
    void theScrapeConfigurationLoadsWithItsRules() throws Exception {
        assertThat(promtool("check", "config", "monitoring/prometheus.yml")).contains("1 rule files found");
    }

    @Test
    void theRulesBehaveAsTheirUnitTestsSay() throws Exception {
        promtool("test", "rules", RULE_TESTS.toString());
    }

    @Test
    void everyAlertIsTestedFiringAndQuiet() throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        Set<String> alerts = new TreeSet<>();
        yaml.readTree(Files.readString(RULES)).path("groups").forEach(group ->
                group.path("rules").forEach(rule -> alerts.add(rule.path("alert").asString())));
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : yaml.readTree(Files.readString(RULE_TESTS)).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(check.path("alertname").asString());
            }
        }
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(9);
        assertThat(firing).as("alerts with a unit test where they fire").containsAll(alerts);
        assertThat(quiet).as("alerts with a unit test where they must not fire").containsAll(alerts);
    }

    /** Runs promtool from the repository's root; fails with its output unless it exits 0 within a minute. */
    private static String promtool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(PrometheusServer.binary("promtool").toString());
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("promtool", ".out");
        try {
            // to a file, not a pipe: a promtool that hangs is stopped by the timeout instead of blocking a read
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean finished = process.waitFor(60, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly();
            }
            String said = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(finished).as("promtool %s finished within 60 s; it said:%n%s", String.join(" ", arguments), said).isTrue();
            assertThat(process.exitValue()).as("promtool %s exit code; it said:%n%s", String.join(" ", arguments), said).isZero();
            return said;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
