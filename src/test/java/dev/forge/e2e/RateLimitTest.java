package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * RATE_LIMIT_PER_MINUTE per principal, shared through Redis between replicas, and the stricter budget for failed
 * authentication that stops brute force.
 */
class RateLimitTest {

    static final String SECRET = "rate-limit-secret-0123456789-abcdefghij";

    static Gateway start(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("JWT_SECRET", SECRET));
        all.putAll(env);
        ForgeConfig config = TestGateways.config(List.of(), List.of()).withSecurity(TestGateways.security(all));
        return TestGateways.start(config);
    }

    static String token(String subject) {
        return Tokens.hs256(SECRET, Tokens.claims(subject).claim("role", "admin").build());
    }

    @Test
    void theCallAfterTheBudgetIsRefusedWith429AndRetryAfterWhileAnotherPrincipalGoesOn() throws Exception {
        try (Gateway gateway = start(Map.of("RATE_LIMIT_PER_MINUTE", "5"))) {
            String base = TestGateways.baseUrl(gateway);
            String alice = token("alice");
            for (int i = 0; i < 5; i++) {
                assertThat(Tokens.send("GET", base + "/gateways", alice, null).statusCode()).as("call %d", i + 1).isEqualTo(200);
            }
            HttpResponse<String> sixth = Tokens.send("GET", base + "/gateways", alice, null);
            assertThat(sixth.statusCode()).isEqualTo(429);
            long retryAfter = Long.parseLong(sixth.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 60L);
            assertThat(Json.parse(sixth.body()).path("message").asString()).contains("rate limit exceeded for sub:alice");

            // on an MCP endpoint the refusal is a JSON-RPC error, still with the status and header
            HttpResponse<String> mcp = Tokens.initialize(base + "/mcp", alice);
            assertThat(mcp.statusCode()).isEqualTo(429);
            assertThat(Json.parse(mcp.body()).path("error").path("code").asInt()).isEqualTo(-32004);
            assertThat(mcp.headers().firstValue("Retry-After")).isPresent();

            assertThat(Tokens.send("GET", base + "/gateways", token("bob"), null).statusCode()).isEqualTo(200);
            assertThat(Tokens.send("GET", base + "/health", null, null).statusCode()).isEqualTo(200); // never limited
        }
    }

    @Test
    void replicasSharingRedisShareOneBudget() throws Exception {
        String redis = "redis://127.0.0.1:6379/0";
        String subject = "shared-" + UUID.randomUUID(); // a fresh key in Redis for this run
        try (Gateway one = start(Map.of("RATE_LIMIT_PER_MINUTE", "4", "REDIS_URL", redis));
             Gateway two = start(Map.of("RATE_LIMIT_PER_MINUTE", "4", "REDIS_URL", redis))) {
            String token = token(subject);
            String a = TestGateways.baseUrl(one);
            String b = TestGateways.baseUrl(two);
            assertThat(Tokens.send("GET", a + "/gateways", token, null).statusCode()).isEqualTo(200);
            assertThat(Tokens.send("GET", b + "/gateways", token, null).statusCode()).isEqualTo(200);
            assertThat(Tokens.send("GET", a + "/gateways", token, null).statusCode()).isEqualTo(200);
            assertThat(Tokens.send("GET", b + "/gateways", token, null).statusCode()).isEqualTo(200);
            assertThat(Tokens.send("GET", a + "/gateways", token, null).statusCode()).isEqualTo(429);
            assertThat(Tokens.send("GET", b + "/gateways", token, null).statusCode()).isEqualTo(429);
        }
    }

    @Test
    void repeatedFailedLoginsFromOneAddressAreStoppedEvenWhenTheNextGuessIsRight() throws Exception {
        try (Gateway gateway = start(Map.of("AUTH_RATE_LIMIT_PER_MINUTE", "3", "RATE_LIMIT_PER_MINUTE", "1000"))) {
            String base = TestGateways.baseUrl(gateway);
            String good = token("rightful");
            for (int i = 0; i < 3; i++) {
                String guess = Tokens.hs256("guessed-secret-number-" + i + "-0123456789abcdef", Tokens.claims("admin").build());
                assertThat(Tokens.send("GET", base + "/gateways", guess, null).statusCode()).isEqualTo(401);
            }
            HttpResponse<String> blocked = Tokens.send("GET", base + "/gateways", good, null);
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.headers().firstValue("Retry-After")).isPresent();
            assertThat(Json.parse(blocked.body()).path("message").asString()).contains("failed authentication attempts");
        }
    }

    @Test
    void issuingTokensDrawsOnTheAuthenticationBudget() throws Exception {
        try (Gateway gateway = start(Map.of("AUTH_RATE_LIMIT_PER_MINUTE", "2", "RATE_LIMIT_PER_MINUTE", "1000"))) {
            String base = TestGateways.baseUrl(gateway);
            String admin = token("ops");
            String body = "{\"name\":\"n\",\"sub\":\"s\",\"role\":\"viewer\"}";
            assertThat(Tokens.send("POST", base + "/tokens", admin, body).statusCode()).isEqualTo(201);
            assertThat(Tokens.send("POST", base + "/tokens", admin, body).statusCode()).isEqualTo(201);
            assertThat(Tokens.send("POST", base + "/tokens", admin, body).statusCode()).isEqualTo(429);
            assertThat(Tokens.send("GET", base + "/tokens", admin, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void onePrincipalMayHoldOnlyMaxSessionsPerPrincipalSessions() throws Exception {
        try (Gateway gateway = start(Map.of("MAX_SESSIONS_PER_PRINCIPAL", "2", "RATE_LIMIT_PER_MINUTE", "1000"))) {
            String mcp = TestGateways.baseUrl(gateway) + "/mcp";
            String carol = token("carol");
            String first = Tokens.initialize(mcp, carol).headers().firstValue("Mcp-Session-Id").orElseThrow();
            assertThat(Tokens.initialize(mcp, carol).statusCode()).isEqualTo(200);
            HttpResponse<String> third = Tokens.initialize(mcp, carol);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(Json.parse(third.body()).path("error").path("message").asString())
                    .contains("carol already holds 2").contains("MAX_SESSIONS_PER_PRINCIPAL");
            assertThat(Tokens.initialize(mcp, token("dave")).statusCode()).isEqualTo(200);
            java.net.http.HttpRequest delete = java.net.http.HttpRequest.newBuilder(java.net.URI.create(mcp))
                    .header("Authorization", "Bearer " + carol).header("Mcp-Session-Id", first).DELETE().build();
            assertThat(dev.forge.support.RawMcp.HTTP.send(delete, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            assertThat(Tokens.initialize(mcp, carol).statusCode()).isEqualTo(200);
        }
    }
}
