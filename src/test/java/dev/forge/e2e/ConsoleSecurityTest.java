package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.forge.Gateway;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the console and the token API refuse, over plain HTTP: a page reached by a name rebound to this machine, a
 * message written into the address, and a token minted with more rights than its issuer has.
 */
class ConsoleSecurityTest {

    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(TestGateways.security(Map.of(
                "JWT_SECRET", dev.forge.support.ConsoleBrowserTest.SECRET, "AUTH_RATE_LIMIT_PER_MINUTE", "100000"))));
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static HttpResponse<String> get(String path, String token, String host) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "text/html");
        if (host != null) {
            request.header("Origin", "http://" + host);
        }
        return RawMcp.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aConsolePageAskedForFromAnotherOriginIsRefused() throws Exception {
        assertThat(get("/admin/gateways", dev.forge.support.ConsoleBrowserTest.token("admin"), null).statusCode()).isEqualTo(200);
        HttpResponse<String> rebound = get("/admin/gateways", dev.forge.support.ConsoleBrowserTest.token("admin"), "attacker.example");
        assertThat(rebound.statusCode()).isEqualTo(403);
        assertThat(rebound.body()).contains("Origin");
        assertThat(get("/gateways", dev.forge.support.ConsoleBrowserTest.token("admin"), "attacker.example").statusCode())
                .as("the admin API too").isEqualTo(403);
    }

    @Test
    void aMessageWrittenIntoTheAddressIsNotShownAsTheConsoles() throws Exception {
        HttpResponse<String> page = get("/admin?notice=Call+the+help+desk&error=Your+session+expired",
                dev.forge.support.ConsoleBrowserTest.token("admin"), null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).doesNotContain("help desk").doesNotContain("session expired");
    }

    @Test
    void aTokenCannotBeMintedWithRightsItsIssuerLacks() throws Exception {
        JWTClaimsSet narrowed = Tokens.claims("ops@example.com").claim("role", "admin").claim("scope", "admin:read admin:write").build();
        String issuer = Tokens.hs256(dev.forge.support.ConsoleBrowserTest.SECRET, narrowed);
        HttpResponse<String> beyond = Tokens.send("POST", base + "/tokens", issuer,
                "{\"name\":\"wider\",\"sub\":\"x@example.com\",\"role\":\"developer\"}");
        assertThat(beyond.statusCode()).as(beyond.body()).isEqualTo(403);
        assertThat(beyond.body()).contains("'mcp' is beyond what the issuing credential");
        HttpResponse<String> within = Tokens.send("POST", base + "/tokens", issuer,
                "{\"name\":\"reader\",\"sub\":\"x@example.com\",\"role\":\"viewer\"}");
        assertThat(within.statusCode()).as(within.body()).isEqualTo(201);
    }
}
