package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.config.ChildEnvironment;
import dev.forge.protocol.Json;
import dev.forge.support.Balancer;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.ToolCaller;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A replica dies under load and the cluster carries on: three packaged Forge processes (bin/forge serve) behind the
 * production balancer configuration, one PostgreSQL registry and one Redis, clients calling a shared upstream through
 * the balancer; one replica gets SIGKILL mid-run. Every client keeps its session (the sessions begun on the dead
 * replica included: they live in Redis) and at most 1 % of the requests after the kill fail — those that were on
 * the dead replica when it died. Bounded: a few seconds of load, loopback only, every process stopped at the end.
 */
class ReplicaFailoverIT {

    private static final int REPLICAS = 3;
    private static final int CLIENTS = 8;
    private static final Duration BEFORE_KILL = Duration.ofSeconds(3);
    private static final Duration AFTER_KILL = Duration.ofSeconds(8);

    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private String schema;

    record Outcome(int client, long atNanos, boolean ok, String detail) {}

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        if (schema != null) {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void killingAReplicaUnderLoadFailsOnlyTheRequestsItWasAnswering() throws Exception {
        Path dir = Files.createTempDirectory("forge-failover");
        List<String> everything = new ArrayList<>(Peers.everythingStdio());
        String command = Json.text(Json.valueToTree(everything));
        Files.writeString(dir.resolve("forge.yaml"), "gateways:\n  - name: everything\n    session_mode: shared\n    command: " + command
                + "\n  - name: mine\n    session_mode: per-client\n    command: " + command + "\n");
        schema = "forge_failover_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("CREATE SCHEMA " + schema);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            int port = NodeHttpServer.freePort();
            Map<String, String> env = new HashMap<>(ChildEnvironment.passedThrough(System.getenv()));
            env.put("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema);
            env.put("REDIS_URL", "redis://127.0.0.1:6379/14");
            env.put("LOG_LEVEL", "warn");
            env.put("RATE_LIMIT_PER_MINUTE", "1000000"); // on, shared through Redis, as in production; far above this load
            ProcessBuilder builder = new ProcessBuilder("bin/forge", "serve", "--role", "gateway", "--config",
                    dir.resolve("forge.yaml").toString(), "--port", String.valueOf(port), "--host", "127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("replica-" + i + ".log").toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            processes.add(builder.start());
            // one after the other: the first one creates the schema the others join
            await().atMost(Duration.ofSeconds(90)).until(() -> ToolCaller.status("http://127.0.0.1:" + port + "/ready") == 200);
            ports.add(port);
        }
        Balancer balancer = Balancer.start(ports);
        closing.add(balancer);
        String mcp = balancer.baseUrl() + "/mcp";

        List<RawMcp.Session> sessions = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            sessions.add(RawMcp.Session.open(mcp));
        }
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + BEFORE_KILL.plus(AFTER_KILL).toNanos();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            RawMcp.Session session = sessions.get(c);
            clients.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; System.nanoTime() < end; n++) {
                    String body = """
                            {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"c%d-%d"}}}"""
                            .formatted(n, client, n);
                    try {
                        HttpResponse<String> answer = session.send(body);
                        boolean ok = answer.statusCode() == 200 && answer.body().contains("c" + client + "-" + n);
                        outcomes.add(new Outcome(client, System.nanoTime(), ok, ok ? "" : answer.statusCode() + " " + answer.body()));
                    } catch (Exception e) {
                        outcomes.add(new Outcome(client, System.nanoTime(), false, e.toString()));
                    }
                }
            }));
        }
        // one more client, whose session began on the replica about to die and who calls its per-client upstream
        // (a process on that replica) through the balancer: when its replica is gone it is told 404, and starts over
        RawMcp.Session[] owned = {new RawMcp.Session(mcp, RawMcp.Session.open("http://127.0.0.1:" + ports.get(1) + "/mcp").id())};
        ConcurrentLinkedQueue<Outcome> ownedOutcomes = new ConcurrentLinkedQueue<>();
        int[] restarts = {0};
        Thread ownedClient = Thread.ofVirtual().start(() -> {
            for (int n = 0; System.nanoTime() < end; n++) {
                String body = """
                        {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"mine__echo","arguments":{"message":"own-%d"}}}"""
                        .formatted(n, n);
                try {
                    HttpResponse<String> answer = owned[0].send(body);
                    boolean ok = answer.statusCode() == 200 && answer.body().contains("own-" + n);
                    ownedOutcomes.add(new Outcome(-1, System.nanoTime(), ok, ok ? "" : answer.statusCode() + " " + answer.body()));
                    if (answer.statusCode() == 404) {
                        owned[0] = RawMcp.Session.open(mcp); // the spec's answer to 404: initialize again
                        restarts[0]++;
                    }
                } catch (Exception e) {
                    ownedOutcomes.add(new Outcome(-1, System.nanoTime(), false, e.toString()));
                }
            }
        });
        Thread.sleep(BEFORE_KILL.toMillis()); // the load runs meanwhile; the kill comes at a moment of it
        Process victim = processes.get(1);
        List<ProcessHandle> orphans = victim.descendants().toList();
        long killedAt = System.nanoTime();
        victim.destroyForcibly(); // SIGKILL: no drain, no goodbye
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        orphans.forEach(ProcessHandle::destroyForcibly);
        for (Thread t : clients) {
            t.join(Duration.ofSeconds(30));
        }
        ownedClient.join(Duration.ofSeconds(30));

        List<Outcome> before = outcomes.stream().filter(o -> o.atNanos() < killedAt).toList();
        List<Outcome> after = outcomes.stream().filter(o -> o.atNanos() >= killedAt).toList();
        long failedAfter = after.stream().filter(o -> !o.ok()).count();
        System.out.printf("failover: %d requests before the kill (%d failed), %d after (%d failed, %.3f %%)%n", before.size(),
                before.stream().filter(o -> !o.ok()).count(), after.size(), failedAfter, 100.0 * failedAfter / Math.max(1, after.size()));
        after.stream().filter(o -> !o.ok()).limit(5).forEach(o -> System.out.println("  failed: client " + o.client() + ": " + o.detail()));
        assertThat(before).as("requests before the kill").isNotEmpty().allMatch(Outcome::ok);
        assertThat(after.size()).as("requests after the kill").isGreaterThan(100);
        assertThat(failedAfter * 100.0 / after.size()).as("%% of requests failed after the kill").isLessThanOrEqualTo(1.0);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            // the last ones came well after the kill: every session went on, wherever it began
            assertThat(after.stream().filter(o -> o.client() == client).toList().reversed().stream().limit(10))
                    .as("client %d's last calls", client).isNotEmpty().allMatch(Outcome::ok);
        }
        // the client of the dead replica's per-client upstream: served through the others until the kill, then 404
        // once, then a new session that works
        assertThat(ownedOutcomes.stream().filter(o -> o.atNanos() < killedAt).toList()).as("before the kill, through any replica")
                .isNotEmpty().allMatch(Outcome::ok);
        assertThat(restarts[0]).as("initialized again after its replica died").isEqualTo(1);
        assertThat(ownedOutcomes.stream().toList().reversed().stream().limit(10)).as("its last calls, on its new session")
                .isNotEmpty().allMatch(Outcome::ok);
        System.out.printf("failover: the client of the dead replica's per-client upstream: %d calls, %d failed, %d restart%n",
                ownedOutcomes.size(), ownedOutcomes.stream().filter(o -> !o.ok()).count(), restarts[0]);
        JsonNode health = Json.parse(RawMcp.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(balancer.baseUrl() + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(health.toString()).contains("everything");
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null);
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
