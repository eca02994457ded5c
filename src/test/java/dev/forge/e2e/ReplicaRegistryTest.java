package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.forge.Gateway;
import dev.forge.catalog.Catalog;
import dev.forge.config.DatabaseUrl;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import dev.forge.upstream.Upstream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two replicas sharing one registry: what an operator changes through either is served by the other within a
 * second (announced over PostgreSQL's LISTEN/NOTIFY, or over Redis when the database is a shared SQLite file), a
 * change nobody announced is picked up by the periodic reading, and reading an unchanged registry restarts nothing.
 */
class ReplicaRegistryTest {

    private static final Duration A_SECOND = Duration.ofSeconds(1);

    private static String everythingBody() {
        return "{\"name\":\"everything\",\"command\":" + Json.text(Json.valueToTree(Peers.everythingStdio())) + "}";
    }

    private static int send(String method, Gateway replica, String path, String body) throws Exception {
        return Tokens.send(method, TestGateways.baseUrl(replica) + path, null, body).statusCode();
    }

    private static boolean lists(Gateway replica, String tool) {
        return replica.federation().catalog().view(Catalog.ALL).tool(tool) != null;
    }

    @Test
    void overPostgresqlEveryChangeReachesTheOtherReplicaWithinASecond() throws Exception {
        String schema = "forge_replicas_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("CREATE SCHEMA " + schema);
        try {
            DatabaseUrl shared = DatabaseUrl.parse("test", "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + schema);
            ForgeConfig config = TestGateways.config(List.of(), List.of()).withDatabase(shared);
            try (Gateway a = TestGateways.start(config); Gateway b = TestGateways.start(config)) {
                // registered through A: B starts it too
                assertThat(send("POST", a, "/gateways", everythingBody())).isEqualTo(201);
                await("B federates the gateway registered on A").atMost(A_SECOND).pollInterval(Duration.ofMillis(20))
                        .until(() -> b.federation().find("everything") != null);
                await().atMost(Duration.ofSeconds(15)).until(() -> lists(b, "everything__echo"));
                Upstream onA = a.federation().find("everything");
                Upstream onB = b.federation().find("everything");

                // an unrelated change through B reaches A, and neither restarts what did not change
                assertThat(send("POST", b, "/servers", "{\"name\":\"echoes\",\"tools\":[\"everything__echo\"]}")).isEqualTo(201);
                await("A serves the virtual server created on B").atMost(A_SECOND).pollInterval(Duration.ofMillis(20))
                        .until(() -> a.federation().catalog().view(Catalog.serverScope("echoes")) != null);
                assertThat(a.federation().find("everything")).isSameAs(onA);
                assertThat(b.federation().find("everything")).isSameAs(onB);

                // a tool switched off on A leaves B's catalog
                assertThat(send("POST", a, "/tools/everything__echo/state", "{\"activate\":false}")).isEqualTo(200);
                await("B hides the tool switched off on A").atMost(A_SECOND).pollInterval(Duration.ofMillis(20))
                        .until(() -> !lists(b, "everything__echo"));
                assertThat(lists(b, "everything__get-sum")).isTrue();

                // disabled through B: A stops it
                assertThat(send("POST", b, "/gateways/everything/state", "{\"activate\":false}")).isEqualTo(200);
                await("A stops the gateway disabled on B").atMost(A_SECOND).pollInterval(Duration.ofMillis(20))
                        .until(() -> a.federation().find("everything") == null);

                // written into the database by hand, announced by nobody: the periodic reading applies it on both
                sql("UPDATE " + schema + ".gateways SET enabled = TRUE WHERE name = 'everything'");
                await("both replicas read the unannounced change").atMost(Duration.ofSeconds(15))
                        .until(() -> a.federation().find("everything") != null && b.federation().find("everything") != null);

                // deleted through A: gone from B
                assertThat(send("DELETE", a, "/gateways/everything", null)).isEqualTo(200);
                await("B stops the gateway deleted on A").atMost(A_SECOND).pollInterval(Duration.ofMillis(20))
                        .until(() -> b.federation().find("everything") == null);
            }
            await("servers left running by stopped replicas").atMost(Duration.ofSeconds(5)).until(() -> TestGateways.childProcesses("server-everything") == 0);
        } finally {
            sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Test
    void overRedisReplicasOnOneSqliteFileHearOfChangesWithinASecond() throws Exception {
        DatabaseUrl shared = DatabaseUrl.parse("test", "sqlite:///" + Files.createTempDirectory("forge-replicas").resolve("mcp.db"));
        ForgeConfig config = TestGateways.config(List.of(), List.of()).withDatabase(shared)
                .withSecurity(TestGateways.security(Map.of("REDIS_URL", "redis://127.0.0.1:6379/0", "RATE_LIMIT_PER_MINUTE", "0")));
        try (Gateway a = TestGateways.start(config); Gateway b = TestGateways.start(config)) {
            assertThat(send("POST", b, "/servers", "{\"name\":\"nothing-yet\",\"tools\":[]}")).isEqualTo(201);
            await("A serves the virtual server created on B").atMost(A_SECOND).pollInterval(Duration.ofMillis(20))
                    .until(() -> a.federation().catalog().view(Catalog.serverScope("nothing-yet")) != null);
            assertThat(send("POST", a, "/gateways", everythingBody())).isEqualTo(201);
            await("B federates the gateway registered on A").atMost(A_SECOND).pollInterval(Duration.ofMillis(20))
                    .until(() -> b.federation().find("everything") != null);
        }
        await("servers left running by stopped replicas").atMost(Duration.ofSeconds(5)).until(() -> TestGateways.childProcesses("server-everything") == 0);
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", null);
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }
}
