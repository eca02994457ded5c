package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.protocol.Json;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Tokens signed with the right key that still must not pass: each is a 401 that says why, on the API and on MCP. */
class HostileTokensTest {

    static final String SECRET = "hostile-tokens-secret-0123456789-abcdefghij";

    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        ForgeConfig config = TestGateways.config(List.of(), List.of())
                .withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET)));
        gateway = TestGateways.start(config);
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static String signed(JWSHeader header, String subject) throws Exception {
        return Tokens.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)), header,
                Tokens.claims(subject).claim("role", "admin").build());
    }

    static void assertRefused(String token, String reason) throws Exception {
        HttpResponse<String> api = Tokens.send("GET", base + "/servers", token, null);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(Json.parse(api.body()).get("message").asString()).contains("token refused").contains(reason);

        HttpResponse<String> mcp = Tokens.initialize(base + "/mcp", token);
        assertThat(mcp.statusCode()).isEqualTo(401);
        JsonNode error = Json.parse(mcp.body()).get("error");
        assertThat(error.get("message").asString()).contains("token refused").contains(reason);
    }

    @Test
    void aTokenWithAnUnknownCriticalHeaderIsRefused() throws Exception {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT)
                .criticalParams(Set.of("x-must-understand")).customParam("x-must-understand", true).build();
        assertRefused(signed(header, "mallory"), "critical header parameter x-must-understand");
    }

    @Test
    void aTokenWithAnEmptySubjectIsRefused() throws Exception {
        assertRefused(signed(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), ""), "sub is empty");
    }

    @Test
    void theSameTokenWithASubjectAndNoCriticalHeaderIsAccepted() throws Exception {
        String token = signed(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), "alice");
        assertThat(Tokens.send("GET", base + "/servers", token, null).statusCode()).isEqualTo(200);
    }
}
