package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway started without JWT_SECRET or JWT_JWKS_URL serves loopback clients only, and tells everyone else how
 * to fix it. A remote client is stood in for by a trusted local proxy that forwards it (X-Forwarded-For).
 */
class SecureByDefaultTest {

    static HttpResponse<String> get(String url, String forwardedFor) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        return RawMcp.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutKeysOnlyLoopbackClientsAreServedAndOthersAreToldHowToFixIt() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of())
                .withSecurity(TestGateways.security(Map.of("TRUSTED_PROXIES", "127.0.0.1"))))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(get(base + "/gateways", null).statusCode()).isEqualTo(200);
            HttpResponse<String> remote = get(base + "/gateways", "203.0.113.9");
            assertThat(remote.statusCode()).isEqualTo(401);
            assertThat(Json.parse(remote.body()).path("message").asString())
                    .contains("only loopback clients are served").contains("JWT_SECRET").contains("make generate-secrets");
            assertThat(get(base + "/health", "203.0.113.9").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()))) {
            // no TRUSTED_PROXIES: the header cannot make a loopback client look remote, or the reverse
            assertThat(get(TestGateways.baseUrl(gateway) + "/gateways", "203.0.113.9").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void authRequiredFalseServesEveryoneAndSaysSoInTheLog() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of())
                .withSecurity(TestGateways.security(Map.of("TRUSTED_PROXIES", "127.0.0.1", "AUTH_REQUIRED", "false"))))) {
            assertThat(get(TestGateways.baseUrl(gateway) + "/gateways", "203.0.113.9").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void corsIsAnsweredOnlyWhenEnabledAndOnlyForAllowedOrigins() throws Exception {
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(
                TestGateways.security(Map.of("CORS_ENABLED", "true"))))) {
            String base = TestGateways.baseUrl(gateway);
            // allowed origins come from ALLOWED_ORIGINS, which the test configuration leaves empty: a stranger gets nothing
            HttpResponse<String> stranger = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                    .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
        dev.forge.config.ForgeConfig allowed = TestGateways.config(List.of(), List.of());
        allowed = new dev.forge.config.ConfigLoader(Map.of("ALLOWED_ORIGINS", "https://app.example.com", "CORS_ENABLED", "true", "GATEWAY_HOST", "127.0.0.1",
                "RATE_LIMIT_PER_MINUTE", "0", "AUDIT_LOG_PATH", "off")).load(dev.forge.config.ConfigLoader.Flags.none())
                .withPort(0).withDatabase(allowed.database());
        try (Gateway gateway = TestGateways.start(allowed)) {
            String base = "http://127.0.0.1:" + gateway.port();
            HttpResponse<String> preflight = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example.com")
                    .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://app.example.com");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).contains("Mcp-Session-Id");
            HttpResponse<String> get = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/gateways"))
                    .header("Origin", "https://app.example.com").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("Mcp-Session-Id");
        }
    }

    @Test
    void metricsCanBePutBehindAReadToken() throws Exception {
        String secret = "metrics-secret-0123456789-abcdefghijklm";
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(
                TestGateways.security(Map.of("JWT_SECRET", secret, "METRICS_PUBLIC", "false"))))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(get(base + "/metrics", null).statusCode()).isEqualTo(401);
            String viewer = dev.forge.support.Tokens.hs256(secret, dev.forge.support.Tokens.claims("grafana").claim("role", "viewer").build());
            assertThat(dev.forge.support.Tokens.send("GET", base + "/metrics", viewer, null).statusCode()).isEqualTo(200);
            assertThat(get(base + "/health", null).statusCode()).isEqualTo(200);
        }
    }
}
