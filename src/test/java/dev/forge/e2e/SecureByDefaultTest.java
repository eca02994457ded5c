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
}
