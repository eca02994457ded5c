package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.config.DatabaseUrl;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one registry and one Redis: a token revoked on one is refused by the other at once — through the
 * Redis announcement, well before the periodic reload (every 15 s) would catch it.
 */
class ReplicaRevocationTest {

    static final String SECRET = "replica-secret-0123456789-abcdefghijklmno";

    @Test
    void aTokenRevokedOnOneReplicaIsRefusedByTheOtherAtOnce() throws Exception {
        DatabaseUrl shared = DatabaseUrl.parse("test", "sqlite:///" + Files.createTempDirectory("forge-replicas").resolve("mcp.db"));
        Map<String, String> env = Map.of("JWT_SECRET", SECRET, "REDIS_URL", "redis://127.0.0.1:6379/0", "RATE_LIMIT_PER_MINUTE", "0");
        ForgeConfig config = TestGateways.config(List.of(), List.of()).withDatabase(shared).withSecurity(TestGateways.security(env));
        try (Gateway one = TestGateways.start(config); Gateway two = TestGateways.start(config)) {
            String admin = Tokens.hs256(SECRET, Tokens.claims("ops").claim("role", "admin").build());
            JWTClaimsSet claims = Tokens.claims("laptop").claim("role", "viewer").build();
            String token = Tokens.hs256(SECRET, claims);
            String onTwo = TestGateways.baseUrl(two) + "/gateways";
            assertThat(Tokens.send("GET", onTwo, token, null).statusCode()).isEqualTo(200); // accepted, and cached

            assertThat(Tokens.send("POST", TestGateways.baseUrl(one) + "/tokens/revocations", admin,
                    "{\"jti\":\"" + claims.getJWTID() + "\"}").statusCode()).isBetween(200, 201);
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Tokens.send("GET", onTwo, token, null).statusCode() == 401);
            assertThat(Tokens.send("GET", onTwo, token, null).body()).contains("revoked");
        }
    }
}
