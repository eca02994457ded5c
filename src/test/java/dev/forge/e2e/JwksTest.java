package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RS256 and ES256 tokens checked against keys published at JWT_JWKS_URL, as an OIDC provider publishes them. The
 * provider is stood in for by a local HTTP server serving a JWKS document (a cloud identity provider cannot run here).
 */
class JwksTest {

    static RSAKey rsa;
    static ECKey ec;
    static HttpServer jwks;
    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        byte[] published = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, published.length);
            exchange.getResponseBody().write(published);
            exchange.close();
        });
        jwks.start();
        String url = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json";
        gateway = TestGateways.start(TestGateways.config(List.of(), List.of())
                .withSecurity(TestGateways.security(Map.of("JWT_JWKS_URL", url, "JWT_ISSUER", "https://idp.test/"))));
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        jwks.stop(0);
    }

    static String status(String token) throws Exception {
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways", token, null);
        return r.statusCode() + " " + (r.statusCode() == 200 ? "" : Json.parse(r.body()).path("message").asString());
    }

    @Test
    void rs256AndEs256TokensFromTheProviderAreAccepted() throws Exception {
        var claims = Tokens.claims("oidc-user").issuer("https://idp.test/").claim("roles", List.of("viewer", "admin")).build();
        String rs = Tokens.sign(new RSASSASigner(rsa), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims);
        String es = Tokens.sign(new ECDSASigner(ec), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims);
        assertThat(status(rs)).isEqualTo("200 ");
        assertThat(status(es)).isEqualTo("200 ");
        // the strongest of the roles counts: admin may write
        assertThat(Tokens.send("POST", base + "/servers", rs, "{\"name\":\"from-oidc\",\"tools\":[]}").statusCode()).isEqualTo(201);
    }

    @Test
    void aTokenSignedByAKeyTheProviderDoesNotPublishIsRefused() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate(); // same kid, different key
        String token = Tokens.sign(new RSASSASigner(stranger), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
                Tokens.claims("mallory").issuer("https://idp.test/").claim("role", "admin").build());
        assertThat(status(token)).startsWith("401 ").contains("token refused");
    }

    @Test
    void sharedSecretTokensAreRefusedWhenOnlyTheProviderIsTrusted() throws Exception {
        String hs = Tokens.hs256("some-secret-someone-guessed-0123456789", Tokens.claims("x").issuer("https://idp.test/").build());
        assertThat(status(hs)).startsWith("401 ").contains("no JWT_SECRET is configured");
    }
}
