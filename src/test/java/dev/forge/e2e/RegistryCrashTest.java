package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.cli.Main;
import dev.forge.support.NodeHttpServer;
import dev.forge.support.RawMcp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forge killed with SIGKILL in the middle of 1,000 concurrent registrations: no acknowledged write is lost. */
class RegistryCrashTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRegistrationSurvivesAKillAndTheDatabaseIsIntact() throws Exception {
        int port = NodeHttpServer.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--role", "gateway", "--port", Integer.toString(port), "--host", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("forge.log").toFile());
        builder.environment().put("DATA_PATH", dir.toString());
        builder.environment().remove("DATABASE_URL");
        builder.environment().remove("CONFIG_PATH");
        Process forge = builder.start();
        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> RawMcp.HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<?>> burst = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String name = "crash-" + i;
            HttpRequest register = HttpRequest.newBuilder(URI.create(base + "/gateways")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"name":"%s","url":"http://127.0.0.1:9/mcp","enabled":false}""".formatted(name))).build();
            burst.add(RawMcp.HTTP.sendAsync(register, HttpResponse.BodyHandlers.discarding())
                    .thenAccept(r -> {
                        if (r.statusCode() == 201) {
                            acknowledged.add(name);
                        }
                    }));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> acknowledged.size() >= 50);
        forge.destroyForcibly(); // SIGKILL in the middle of the burst
        assertThat(forge.waitFor(10, TimeUnit.SECONDS)).isTrue();
        burst.forEach(f -> f.handle((ok, failure) -> null).join());
        Set<String> seenAcknowledged = new HashSet<>(acknowledged);

        try (var connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("mcp.db"));
             var statement = connection.createStatement()) {
            var integrity = statement.executeQuery("PRAGMA integrity_check");
            integrity.next();
            assertThat(integrity.getString(1)).isEqualTo("ok");
            Set<String> stored = new HashSet<>();
            var rows = statement.executeQuery("SELECT name FROM gateways");
            while (rows.next()) {
                stored.add(rows.getString(1));
            }
            assertThat(stored).containsAll(seenAcknowledged);
            assertThat(seenAcknowledged.size()).isLessThan(1000); // the kill really came mid-burst
        }
    }
}
