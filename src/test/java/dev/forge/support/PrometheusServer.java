package dev.forge.support;

import dev.forge.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus server on a free loopback port, scraping one Forge every second and evaluating a copy of the
 * shipped alerting rules every second, with its data in a temporary folder. Stopped on close.
 */
public final class PrometheusServer implements AutoCloseable {

    /** The job name the shipped scrape configuration, dashboard and rules all use. */
    public static final String JOB = "forge-mcp-gateway";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path dir;
    private final Path log;
    private final String baseUrl;

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.log = dir.resolve("prometheus.log");
        this.baseUrl = "http://127.0.0.1:" + port;
    }

    /**
     * The path of a Prometheus program ({@code prometheus}, {@code promtool}): the one on PATH, else Debian's in
     * /usr/bin; fails with what to install when neither exists.
     */
    public static Path binary(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + java.io.File.pathSeparator + "/usr/bin").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        throw new IllegalStateException(name + " is needed by the monitoring tests (Debian: apt-get install prometheus; "
                + "scripts/require-prometheus.sh installs it)");
    }

    /** Starts Prometheus scraping {@code 127.0.0.1:scrapedPort} (job forge-mcp-gateway, role gateway) with these rules. */
    public static PrometheusServer start(int scrapedPort, Path rules) throws Exception {
        Path dir = Files.createTempDirectory("forge-prometheus");
        Files.copy(rules, dir.resolve("alerting.yml"));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                rule_files:
                  - alerting.yml
                scrape_configs:
                  - job_name: %s
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels: {role: gateway}
                """.formatted(JOB, scrapedPort));
        int port = freePort();
        Process process = new ProcessBuilder(binary("prometheus").toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer server = new PrometheusServer(process, dir, port);
        try {
            server.awaitReady(Duration.ofSeconds(30));
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private void awaitReady(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus stopped at once:\n" + log());
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("prometheus was not ready within " + within + ":\n" + log());
    }

    /** The body of a GET on Prometheus's HTTP API (path and query string), parsed. */
    public JsonNode api(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.parse(response.body());
    }

    /** An instant query's {@code data.result}; a query Prometheus rejects fails with its error message. */
    public JsonNode query(String promql) throws Exception {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("data").path("result");
    }

    /** What Prometheus printed so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: Prometheus shuts down cleanly and quickly with an almost empty database
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException leftBehind) {
            // a temporary folder; the system clears it
        }
    }
}
