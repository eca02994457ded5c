package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.cli.Main;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forge as its own process: SIGTERM drains and stops everything it started; SIGKILL leaves no children behind. */
class ProcessLifecycleTest {

    static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    record Running(Process process, String url) {}

    private Running startForge() throws Exception {
        int port = NodeHttpServer.freePort();
        Path config = dir.resolve("forge.yaml");
        Files.writeString(config, """
                gateways:
                  - name: everything
                    command: ["%s", "%s", "stdio"]
                    session_mode: shared
                """.formatted(Peers.node(), Peers.module("@modelcontextprotocol/server-everything/dist/index.js")));
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--role", "gateway", "--config", config.toString(), "--port", Integer.toString(port), "--host", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("forge.log").toFile());
        builder.environment().put("DATA_PATH", dir.resolve("data").toString());
        builder.environment().remove("DATABASE_URL");
        Process process = builder.start();
        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return new Running(process, base);
    }

    private static String session(String url) throws Exception {
        return RawMcp.Session.open(url).id();
    }

    @Test
    void sigtermLetsCallsInFlightFinishRefusesNewOnesAndStopsItsChildren() throws Exception {
        Running forge = startForge();
        List<ProcessHandle> children = forge.process().toHandle().descendants().toList();
        assertThat(children).isNotEmpty();
        String url = forge.url() + "/mcp";
        String session = session(url);
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(RawMcp.post(url, session, """
                {"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"everything__trigger-long-running-operation","arguments":{"duration":2,"steps":2}}}"""),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(URI.create(forge.url() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("\"calls_in_flight\":1"));
        forge.process().destroy(); // SIGTERM
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() ->
                http.send(RawMcp.post(url, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}"),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 503);
        assertThat(inFlight.get(15, TimeUnit.SECONDS).body()).contains("Long running operation completed");
        assertThat(forge.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void sigkillLeavesNoChildProcessBehind() throws Exception {
        Running forge = startForge();
        List<ProcessHandle> children = forge.process().toHandle().descendants().toList();
        assertThat(children).isNotEmpty().allMatch(ProcessHandle::isAlive);
        forge.process().destroyForcibly(); // SIGKILL: no hook runs; the children see their stdin close
        assertThat(forge.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    }
}
