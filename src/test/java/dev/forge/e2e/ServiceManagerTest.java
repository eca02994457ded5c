package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.config.ConfigLoader;
import dev.forge.config.ServerRole;
import dev.forge.config.ServiceConfig;
import dev.forge.config.ServiceManagerConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The service manager running real servers (server-memory, server-everything) as child processes: sleep when idle
 * and wake on a call, restart after kill -9, stop at a memory limit with the reason, lifecycle actions, logs, each
 * service's own MCP endpoint — and no process left behind.
 */
class ServiceManagerTest {

    static Gateway gateway;
    static String gatewayUrl;
    static String managerUrl;

    static ServiceConfig declared(String json) {
        return new ConfigLoader(Map.of()).service("test", Json.parse(json), Duration.ofSeconds(20));
    }

    /** An argument server-memory ignores, so this service's process can be told from the others'. */
    static final String SLEEPY_MARKER = "--forge-test-sleepy-memory";

    static List<String> withMarker(List<String> command) {
        List<String> marked = new java.util.ArrayList<>(command);
        marked.add(SLEEPY_MARKER);
        return marked;
    }

    static String command(List<String> words) {
        return Json.text(Json.valueToTree(words));
    }

    @BeforeAll
    static void start() throws Exception {
        Path data = Files.createTempDirectory("forge-services");
        List<ServiceConfig> services = List.of(
                declared("""
                        {"name":"memory","command":%s,"environment":{"MEMORY_FILE_PATH":"%s"},
                         "sleep_policy":{"enabled":true,"idle_timeout":"2s","min_sleep_time":"1s"}}"""
                        .formatted(command(withMarker(Peers.memoryStdio())), data.resolve("memory.jsonl"))),
                declared("""
                        {"name":"everything","command":%s,"resources":{"memory":"1g","cpu":"0.5"}}"""
                        .formatted(command(Peers.everythingStdio()))),
                declared("""
                        {"name":"greedy","command":%s,"resources":{"memory":"8m"}}""".formatted(command(Peers.everythingStdio()))),
                declared("""
                        {"name":"later","command":%s,"auto_start":false}""".formatted(command(Peers.memoryStdio()))));
        gateway = TestGateways.start(TestGateways.config(List.of(), List.of())
                .withRoles(EnumSet.allOf(ServerRole.class), new ServiceManagerConfig(0, services, false, URI.create("http://127.0.0.1:0"))));
        gatewayUrl = TestGateways.baseUrl(gateway);
        managerUrl = "http://127.0.0.1:" + gateway.serviceManagerPort();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        assertThat(TestGateways.childProcesses("server-memory")).isZero();
        assertThat(TestGateways.childProcesses("server-everything")).isZero();
    }

    static JsonNode service(String name) throws Exception {
        return Json.parse(Tokens.send("GET", managerUrl + "/services/" + name, null, null).body());
    }

    static JsonNode call(String tool, String arguments) throws Exception {
        return Json.parse(Tokens.send("POST", gatewayUrl + "/rpc", null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}}").body());
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void anIdleServiceSleepsKeepsItsToolsAndWakesForTheNextCall() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> service("memory").path("state").asString().equals("sleeping"));
        JsonNode asleep = service("memory");
        assertThat(asleep.path("reason").asString()).contains("idle for");
        assertThat(asleep.has("pid")).isFalse();
        assertThat(TestGateways.childProcesses(SLEEPY_MARKER)).isZero(); // its process is gone
        await().atMost(Duration.ofSeconds(5)).until(() -> service("memory").path("memory_bytes").asLong() == 0); // and its memory
        JsonNode tools = Json.parse(Tokens.send("POST", gatewayUrl + "/rpc", null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").body());
        assertThat(tools.path("result").path("tools")).extracting(t -> t.path("name").asString()).contains("memory__read_graph");

        long started = System.nanoTime();
        JsonNode woken = call("memory__create_entities",
                "{\"entities\":[{\"name\":\"forge\",\"entityType\":\"gateway\",\"observations\":[\"wakes on demand\"]}]}");
        long coldStartMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(woken.path("result").path("isError").asBoolean(false)).as(woken.toString()).isFalse();
        System.out.println("service-manager cold start (sleeping server-memory to answered call): " + coldStartMs + " ms");
        JsonNode running = service("memory");
        assertThat(running.path("state").asString()).isEqualTo("running");
        assertThat(alive(running.path("pid").asLong())).isTrue();
        assertThat(call("memory__read_graph", "{}").toString()).contains("wakes on demand"); // the file kept its state
    }

    @Test
    void aKilledServiceIsRestarted() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> service("everything").path("state").asString().equals("running"));
        long pid = service("everything").path("pid").asLong();
        int restarts = service("everything").path("restarts").asInt();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode s = service("everything");
            return s.path("state").asString().equals("running") && s.path("pid").asLong() != pid;
        });
        assertThat(service("everything").path("restarts").asInt()).isEqualTo(restarts + 1);
        assertThat(call("everything__echo", "{\"message\":\"back\"}").toString()).contains("Echo: back");
    }

    @Test
    void aServiceOverItsMemoryLimitIsStoppedWithTheReason() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> service("greedy").path("state").asString().equals("stopped"));
        JsonNode greedy = service("greedy");
        assertThat(greedy.path("last_exit").asString()).contains("exceeded the limit of 8 MiB");
        assertThat(greedy.path("memory_limit_bytes").asLong()).isEqualTo(8L * 1024 * 1024);
        JsonNode logs = Json.parse(Tokens.send("GET", managerUrl + "/services/greedy/logs", null, null).body());
        assertThat(logs.path("lines").toString()).contains("exceeded the limit");
        JsonNode refused = call("greedy__echo", "{\"message\":\"x\"}");
        assertThat(refused.path("error").path("message").asString()).isNotEmpty();
    }

    @Test
    void operatorsStartStopSleepAndWakeServicesAndReadTheirLogs() throws Exception {
        assertThat(service("later").path("state").asString()).isEqualTo("stopped");
        assertThat(service("later").path("last_exit").asString()).contains("auto_start: false");
        assertThat(Tokens.send("POST", managerUrl + "/services/later/start", null, null).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> service("later").path("state").asString().equals("running"));
        long pid = service("later").path("pid").asLong();

        assertThat(Tokens.send("POST", managerUrl + "/services/later/sleep", null, null).statusCode()).isEqualTo(202);
        assertThat(service("later").path("state").asString()).isEqualTo("sleeping");
        await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));
        HttpResponse<String> again = Tokens.send("POST", managerUrl + "/services/later/sleep", null, null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Json.parse(again.body()).path("message").asString()).contains("is sleeping");

        Tokens.send("POST", managerUrl + "/services/later/wake", null, null);
        await().atMost(Duration.ofSeconds(20)).until(() -> service("later").path("state").asString().equals("running"));
        Tokens.send("POST", managerUrl + "/services/later/stop", null, null);
        assertThat(service("later").path("state").asString()).isEqualTo("stopped");
        assertThat(service("later").path("last_exit").asString()).contains("stopped by");

        JsonNode logs = Json.parse(Tokens.send("GET", managerUrl + "/services/later/logs?lines=50", null, null).body());
        assertThat(logs.path("lines")).extracting(l -> l.path("text").asString())
                .anyMatch(t -> t.startsWith("started pid")).anyMatch(t -> t.startsWith("asleep")).anyMatch(t -> t.contains("Knowledge Graph"));
        assertThat(Tokens.send("GET", managerUrl + "/services/nope", null, null).statusCode()).isEqualTo(404);

        JsonNode list = Json.parse(Tokens.send("GET", managerUrl + "/services", null, null).body());
        assertThat(list).extracting(s -> s.path("name").asString()).containsExactly("everything", "greedy", "later", "memory");
        assertThat(Json.parse(Tokens.send("GET", managerUrl + "/health", null, null).body()).path("upstreams").has("memory")).isTrue();
    }

    @Test
    void eachServiceHasItsOwnMcpEndpointOnTheManagersPort() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(managerUrl + "/services/everything/mcp");
        JsonNode tools = Json.parse(session.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").body());
        assertThat(tools.path("result").path("tools")).extracting(t -> t.path("name").asString()).contains("echo");
        assertThat(session.call("echo", "direct").get().toString()).contains("Echo: direct");
    }

    @Test
    void servicesCanBeRegisteredThroughTheApi() throws Exception {
        HttpResponse<String> created = Tokens.send("POST", managerUrl + "/services", null,
                "{\"name\":\"added\",\"command\":" + command(Peers.everythingStdio()) + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(Json.parse(created.body()).path("state").asString()).isEqualTo("running");
        assertThat(call("added__echo", "{\"message\":\"new\"}").toString()).contains("Echo: new");
        assertThat(Tokens.send("POST", managerUrl + "/services", null, "{\"name\":\"added\",\"command\":\"x\"}").statusCode()).isEqualTo(409);
        HttpResponse<String> bad = Tokens.send("POST", managerUrl + "/services", null, "{\"name\":\"Bad Name\",\"command\":\"x\"}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(Json.parse(bad.body()).path("message").asString()).contains("name");
        assertThat(Tokens.send("DELETE", managerUrl + "/services/added", null, null).statusCode()).isEqualTo(200);
        assertThat(Tokens.send("GET", managerUrl + "/services/added", null, null).statusCode()).isEqualTo(404);
    }
}
