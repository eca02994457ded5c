package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The shipped Grafana dashboard and Prometheus alerting rules query series that Forge's {@code /metrics} really
 * exposes, with label values that really occur: a renamed metric or label breaks this test, not an operator's pager.
 */
class MonitoringConfigTest {

    private static final Pattern METRIC = Pattern.compile("\\b((?:forge|jvm|process|system)_[a-z_]+)");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)=\"([^\"$~]+)\"");
    /** Labels Prometheus adds when it scrapes, which no exposition carries. */
    private static final Set<String> SCRAPE_LABELS = Set.of("job", "instance", "role");

    @Test
    void theDashboardAndTheAlertsQueryWhatMetricsExposes() throws Exception {
        List<String> expressions = new ArrayList<>();
        JsonNode dashboard = Json.parse(Files.readString(Path.of("grafana-dashboard.json")));
        assertThat(dashboard.path("overwrite").asBoolean()).as("a body for Grafana's /api/dashboards/db").isTrue();
        dashboard.path("dashboard").path("panels").forEach(panel ->
                panel.path("targets").forEach(target -> expressions.add(target.path("expr").asString())));
        JsonNode alerting = new YAMLMapper().readTree(Files.readString(Path.of("monitoring/alerting.yml")));
        alerting.path("groups").forEach(group -> group.path("rules").forEach(rule -> expressions.add(rule.path("expr").asString())));
        assertThat(expressions).hasSizeGreaterThan(10).doesNotContain("");
        assertThat(new YAMLMapper().readTree(Files.readString(Path.of("monitoring/prometheus.yml")))
                .path("rule_files").get(0).asString()).isEqualTo("alerting.yml");

        try (Gateway gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())))) {
            String base = TestGateways.baseUrl(gateway);
            String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\",\"arguments\":{\"message\":\"hi\"}}}";
            assertThat(Tokens.send("POST", base + "/rpc", null, call.formatted("everything__echo")).body()).contains("Echo: hi");
            Tokens.send("POST", base + "/rpc", null, call.formatted("everything__absent"));
            String exposition = Tokens.send("GET", base + "/metrics", null, null).body();

            Set<String> missing = new TreeSet<>();
            for (String expression : expressions) {
                Matcher metric = METRIC.matcher(expression);
                while (metric.find()) {
                    if (!exposition.contains("\n" + metric.group(1) + "{") && !exposition.contains("\n" + metric.group(1) + " ")) {
                        missing.add(metric.group(1));
                    }
                }
                Matcher label = MATCHER.matcher(expression);
                while (label.find()) {
                    if (!SCRAPE_LABELS.contains(label.group(1))
                            && !exposition.contains(label.group(1) + "=\"" + label.group(2) + "\"")) {
                        missing.add(label.group(0));
                    }
                }
            }
            assertThat(missing).as("series and label values the dashboard or alerts use that /metrics lacks").isEmpty();
        }
    }
}
