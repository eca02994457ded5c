package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.PrometheusServer;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The shipped dashboard and alerting rules against a real Prometheus scraping a real Forge that has served tool calls,
 * some of them failing: every panel of grafana-dashboard.json shows a number, and Prometheus loads and evaluates every
 * rule of monitoring/alerting.yml. MonitoringConfigTest checks the names; this checks that the queries work.
 */
class PrometheusScrapeTest {

    /** What Grafana puts in for the dashboard's variables: every instance, and a window of several scrapes. */
    private static final Map<String, String> VARIABLES = Map.of("$instance", ".*", "$__rate_interval", "1m");

    static Gateway gateway;
    static RawMcp.Session client;
    static PrometheusServer prometheus;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())));
        client = RawMcp.Session.open(TestGateways.baseUrl(gateway) + "/mcp");
        callTools();
        prometheus = PrometheusServer.start(gateway.port(), Path.of("monitoring/alerting.yml"));
        awaitGatewayScrapedUp(Duration.ofSeconds(30));
        // rates and quantiles need calls between two scrapes inside their window: keep calling until every panel
        // and every rule has something to show, or the time is up (the tests then say which has not)
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !(panelsWithoutData().isEmpty() && rulesNotEvaluated().isEmpty())) {
            callTools();
            Thread.sleep(250);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (prometheus != null) prometheus.close();
        } finally {
            if (gateway != null) gateway.close();
        }
    }

    @Test
    void everyDashboardPanelShowsData() throws Exception {
        assertThat(panelQueries()).as("panel queries in grafana-dashboard.json").hasSizeGreaterThanOrEqualTo(8);
        assertThat(panelsWithoutData()).as("panels with no finite value after a few scrapes").isEmpty();
    }

    @Test
    void prometheusLoadsAndEvaluatesEveryAlertRule() throws Exception {
        Set<String> shipped = new TreeSet<>();
        new YAMLMapper().readTree(Files.readString(Path.of("monitoring/alerting.yml"))).path("groups").forEach(group ->
                group.path("rules").forEach(rule -> shipped.add(rule.path("alert").asString())));
        assertThat(shipped).hasSizeGreaterThanOrEqualTo(9);

        Set<String> loaded = new TreeSet<>();
        alertRules().forEach(rule -> loaded.add(rule.path("name").asString()));
        assertThat(loaded).as("alert rules Prometheus loaded").isEqualTo(shipped);
        assertThat(rulesNotEvaluated()).as("rules whose evaluation is not ok").isEmpty();
    }

    /** A few successful tool calls and one for a tool that does not exist, which the client gets as an error. */
    private static void callTools() throws Exception {
        for (int i = 0; i < 3; i++) {
            JsonNode echo = client.call("everything__echo", "hi").get(20, TimeUnit.SECONDS);
            assertThat(echo.path("result").path("content").get(0).path("text").asString()).isEqualTo("Echo: hi");
        }
        JsonNode absent = client.call("everything__absent", "hi").get(20, TimeUnit.SECONDS);
        assertThat(absent.has("error")).as("an unknown tool is an error: %s", absent).isTrue();
    }

    private static void awaitGatewayScrapedUp(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode targets = null;
        while (System.nanoTime() < deadline) {
            targets = prometheus.api("/api/v1/targets?state=active").path("data").path("activeTargets");
            for (JsonNode target : targets) {
                if (PrometheusServer.JOB.equals(target.path("labels").path("job").asString())
                        && "up".equals(target.path("health").asString())) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus did not scrape the gateway within " + within + ": " + targets
                + "\n" + prometheus.log());
    }

    /** Each panel query of the dashboard, by "panel title (refId)", with the variables Grafana fills in put in. */
    private static Map<String, String> panelQueries() throws Exception {
        Map<String, String> queries = new TreeMap<>();
        JsonNode dashboard = Json.parse(Files.readString(Path.of("grafana-dashboard.json")));
        for (JsonNode panel : dashboard.path("dashboard").path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString();
                for (Map.Entry<String, String> variable : VARIABLES.entrySet()) {
                    expr = expr.replace(variable.getKey(), variable.getValue());
                }
                queries.put(panel.path("title").asString() + " (" + target.path("refId").asString() + ")", expr);
            }
        }
        return queries;
    }

    /** Panels whose query Prometheus rejects or answers with nothing, or with no finite number; why, for each. */
    private static List<String> panelsWithoutData() throws Exception {
        List<String> failing = new ArrayList<>();
        for (Map.Entry<String, String> query : panelQueries().entrySet()) {
            String panel = "'" + query.getKey() + "': " + query.getValue();
            if (query.getValue().contains("$")) {
                failing.add(panel + " -> uses a variable Grafana would fill in and this test does not");
                continue;
            }
            try {
                JsonNode result = prometheus.query(query.getValue());
                boolean finite = false;
                for (JsonNode series : result) {
                    finite |= isFinite(series.path("value").path(1).asString());
                }
                if (!finite) {
                    failing.add(panel + " -> " + (result.isEmpty() ? "no series" : "no finite value in " + result));
                }
            } catch (IllegalStateException rejected) {
                failing.add(panel + " -> " + rejected.getMessage());
            }
        }
        return failing;
    }

    /** Prometheus writes NaN and ±Inf as "NaN", "+Inf" and "-Inf". */
    private static boolean isFinite(String sample) {
        try {
            return Double.isFinite(Double.parseDouble(sample));
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    private static List<JsonNode> alertRules() throws Exception {
        List<JsonNode> rules = new ArrayList<>();
        prometheus.api("/api/v1/rules?type=alert").path("data").path("groups").forEach(group ->
                group.path("rules").forEach(rules::add));
        return rules;
    }

    /** Rules not yet evaluated, or whose last evaluation failed, with Prometheus's error. */
    private static List<String> rulesNotEvaluated() throws Exception {
        List<String> failing = new ArrayList<>();
        for (JsonNode rule : alertRules()) {
            if (!"ok".equals(rule.path("health").asString())) {
                failing.add(rule.path("name").asString() + ": " + rule.path("health").asString()
                        + " " + rule.path("lastError").asString());
            }
        }
        return failing;
    }
}
