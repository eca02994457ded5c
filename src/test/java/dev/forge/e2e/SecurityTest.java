package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.forge.Gateway;
import dev.forge.config.ForgeConfig;
import dev.forge.config.VirtualServerConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The attacks of docs/SECURITY.md, each against a real gateway with a secret configured: forged, expired, unsigned,
 * wrong-audience and revoked tokens, tokens in the query string, scope escalation, a viewer writing, session theft,
 * oversized and deeply nested bodies, and the headers every answer carries.
 */
class SecurityTest {

    static final String SECRET = "test-secret-0123456789-abcdefghijklmnopq";
    static final String AUDIENCE = "forge";
    static final String ISSUER = "https://forge.test";
    static Path dir;
    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("forge-security");
        ForgeConfig config = TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())),
                        List.of(new VirtualServerConfig("demo", List.of("everything__echo"), List.of(), List.of())))
                .withDatabase(dev.forge.config.DatabaseUrl.parse("test", "sqlite:///" + dir.resolve("mcp.db")))
                .withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET, "JWT_AUDIENCE", AUDIENCE,
                        "JWT_ISSUER", ISSUER, "AUTH_RATE_LIMIT_PER_MINUTE", "100000", "BASIC_AUTH_PASSWORD", "ui-password-123",
                        "FORGE_ENCRYPTION_KEY", "an-encryption-key-of-enough-length-000",
                        "AUDIT_LOG_PATH", dir.resolve("audit.log").toString())));
        gateway = TestGateways.start(config);
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** A token this gateway accepts: right key, audience and issuer. */
    static String token(String subject, String role, String scope) {
        JWTClaimsSet.Builder claims = Tokens.claims(subject).audience(AUDIENCE).issuer(ISSUER).claim("role", role);
        if (scope != null) {
            claims.claim("scope", scope);
        }
        return Tokens.hs256(SECRET, claims.build());
    }

    static String admin() {
        return token("ops@example.com", "admin", null);
    }

    static JsonNode json(HttpResponse<String> response) {
        return Json.parse(response.body());
    }

    @Test
    void aRequestWithoutATokenGets401WithAChallengeThatPointsAtTheResourceMetadata() throws Exception {
        HttpResponse<String> mcp = Tokens.initialize(base + "/mcp", null);
        assertThat(mcp.statusCode()).isEqualTo(401);
        assertThat(json(mcp).path("error").path("message").asString()).contains("missing credentials");
        String challenge = mcp.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge).startsWith("Bearer ").contains("resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\"");

        HttpResponse<String> metadata = Tokens.send("GET", base + "/.well-known/oauth-protected-resource/mcp", null, null);
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(json(metadata).path("resource").asString()).isEqualTo(base + "/mcp");
        assertThat(json(metadata).path("authorization_servers").get(0).asString()).isEqualTo(ISSUER);
        assertThat(json(metadata).path("bearer_methods_supported").toString()).isEqualTo("[\"header\"]");

        HttpResponse<String> api = Tokens.send("GET", base + "/gateways", null, null);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(json(api).path("error").asString()).isEqualTo("unauthorized");
    }

    @Test
    void healthReadinessAndVersionStayOpen() throws Exception {
        for (String path : List.of("/health", "/ready", "/version", "/metrics")) {
            assertThat(Tokens.send("GET", base + path, null, null).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void aValidTokenOpensASessionAndCallsATool() throws Exception {
        String token = token("dev@example.com", "developer", null);
        HttpResponse<String> init = Tokens.initialize(base + "/mcp", token);
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> call = send(base + "/mcp", token, session,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"hi\"}}}");
        assertThat(json(call).path("result").path("content").get(0).path("text").asString()).isEqualTo("Echo: hi");
    }

    @Test
    void aForgedTokenIsRefused() throws Exception {
        String forged = Tokens.hs256("another-secret-that-is-long-enough-0000", Tokens.claims("mallory").audience(AUDIENCE)
                .issuer(ISSUER).claim("role", "admin").build());
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways", forged, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asString()).contains("invalid signature");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String expired = Tokens.hs256(SECRET, Tokens.claims("late").audience(AUDIENCE).issuer(ISSUER)
                .expirationTime(Date.from(Instant.now().minusSeconds(3600))).build());
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways", expired, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asString()).containsIgnoringCase("expired");
    }

    @Test
    void aTokenNotYetValidIsRefused() throws Exception {
        String early = Tokens.hs256(SECRET, Tokens.claims("early").audience(AUDIENCE).issuer(ISSUER)
                .notBeforeTime(Date.from(Instant.now().plusSeconds(1800))).build());
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways", early, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asString()).containsIgnoringCase("before");
    }

    @Test
    void aTokenWithoutExpiryIsRefused() throws Exception {
        String forever = Tokens.hs256(SECRET, new JWTClaimsSet.Builder().subject("forever").audience(AUDIENCE)
                .issuer(ISSUER).claim("role", "admin").build());
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways", forever, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asString()).contains("exp");
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() throws Exception {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        String payload = Base64URL.encode(Tokens.claims("mallory").audience(AUDIENCE).issuer(ISSUER).claim("role", "admin")
                .build().toString()).toString();
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways", header + "." + payload + ".", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asString()).contains("unsigned");
    }

    @Test
    void aTokenForAnotherAudienceOrIssuerIsRefused() throws Exception {
        String otherAudience = Tokens.hs256(SECRET, Tokens.claims("x").audience("another-service").issuer(ISSUER)
                .claim("role", "admin").build());
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways", otherAudience, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asString()).containsIgnoringCase("audience");

        String otherIssuer = Tokens.hs256(SECRET, Tokens.claims("x").audience(AUDIENCE).issuer("https://evil.test")
                .claim("role", "admin").build());
        HttpResponse<String> i = Tokens.send("GET", base + "/gateways", otherIssuer, null);
        assertThat(i.statusCode()).isEqualTo(401);
        assertThat(json(i).path("message").asString()).contains("iss");
    }

    @Test
    void aRevokedTokenIsRefusedAtOnce() throws Exception {
        HttpResponse<String> issued = Tokens.send("POST", base + "/tokens", admin(),
                "{\"name\":\"ci\",\"sub\":\"ci-bot\",\"role\":\"developer\",\"expires\":\"1d\"}");
        assertThat(issued.statusCode()).isEqualTo(201);
        String token = json(issued).path("token").asString();
        String id = json(issued).path("id").asString();
        assertThat(Tokens.send("GET", base + "/gateways", token, null).statusCode()).isEqualTo(200);

        assertThat(Tokens.send("DELETE", base + "/tokens/" + id, admin(), null).statusCode()).isEqualTo(200);
        HttpResponse<String> after = Tokens.send("GET", base + "/gateways", token, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(json(after).path("message").asString()).contains("revoked");

        // an identity provider's token, revoked by its jti
        JWTClaimsSet external = Tokens.claims("idp-user").audience(AUDIENCE).issuer(ISSUER).claim("role", "viewer").build();
        String externalToken = Tokens.hs256(SECRET, external);
        assertThat(Tokens.send("GET", base + "/gateways", externalToken, null).statusCode()).isEqualTo(200);
        assertThat(Tokens.send("POST", base + "/tokens/revocations", admin(), "{\"jti\":\"" + external.getJWTID() + "\"}")
                .statusCode()).isEqualTo(201);
        assertThat(Tokens.send("GET", base + "/gateways", externalToken, null).statusCode()).isEqualTo(401);
    }

    @Test
    void anApiTokenIsShownOnceAndStoredOnlyAsItsHash() throws Exception {
        HttpResponse<String> issued = Tokens.send("POST", base + "/tokens", admin(),
                "{\"name\":\"shown-once\",\"sub\":\"robot\",\"role\":\"viewer\"}");
        String token = json(issued).path("token").asString();
        String id = json(issued).path("id").asString();
        HttpResponse<String> listed = Tokens.send("GET", base + "/tokens", admin(), null);
        assertThat(listed.body()).contains(id).doesNotContain(token);
        assertThat(Tokens.send("GET", base + "/tokens/" + id, admin(), null).body()).doesNotContain(token);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("mcp.db"));
             var rows = db.createStatement().executeQuery("SELECT * FROM api_tokens WHERE id = '" + id + "'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString("token_hash")).isEqualTo(hash);
            for (int c = 1; c <= rows.getMetaData().getColumnCount(); c++) {
                assertThat(String.valueOf(rows.getString(c))).doesNotContain(token);
            }
        }
    }

    @Test
    void aTokenInTheQueryStringIsRefusedEvenIfValid() throws Exception {
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways?access_token=" + admin(), null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).path("message").asString()).contains("query string");
    }

    @Test
    void aViewerMayReadTheRegistryButNotChangeIt() throws Exception {
        String viewer = token("auditor", "viewer", null);
        assertThat(Tokens.send("GET", base + "/gateways", viewer, null).statusCode()).isEqualTo(200);
        HttpResponse<String> write = Tokens.send("POST", base + "/servers", viewer, "{\"name\":\"sneaky\",\"tools\":[]}");
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("error=\"insufficient_scope\"").contains("scope=\"admin:write\"");
        // a viewer that claims a write scope does not get it: scopes narrow a role, never widen it
        String claiming = token("auditor", "viewer", "admin:write mcp");
        assertThat(Tokens.send("POST", base + "/servers", claiming, "{\"name\":\"sneaky\",\"tools\":[]}").statusCode()).isEqualTo(403);
        assertThat(Tokens.initialize(base + "/mcp", claiming).statusCode()).isEqualTo(403);
        assertThat(Tokens.send("GET", base + "/servers/sneaky", admin(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void onlyATokenThatMayWriteTheRegistryCanExportItsCredentialsInTheClear() throws Exception {
        String viewer = token("auditor", "viewer", null);
        assertThat(Tokens.send("GET", base + "/export", viewer, null).statusCode()).isEqualTo(200);
        HttpResponse<String> revealing = Tokens.send("GET", base + "/export?include_secrets=true", viewer, null);
        assertThat(revealing.statusCode()).isEqualTo(403);
        assertThat(revealing.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"admin:write\"");
        assertThat(Tokens.send("GET", base + "/export?include_secrets=TRUE", token("dev", "developer", null), null).statusCode())
                .isEqualTo(403);
        assertThat(Tokens.send("GET", base + "/export?include_secrets=true", admin(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeveloperMayUseMcpButNotChangeTheRegistryOrIssueTokens() throws Exception {
        String developer = token("dev", "developer", null);
        assertThat(Tokens.initialize(base + "/mcp", developer).statusCode()).isEqualTo(200);
        assertThat(Tokens.send("DELETE", base + "/servers/demo", developer, null).statusCode()).isEqualTo(403);
        assertThat(Tokens.send("POST", base + "/tokens", developer, "{\"name\":\"x\",\"sub\":\"x\",\"role\":\"admin\"}").statusCode())
                .isEqualTo(403);
        assertThat(Tokens.send("GET", base + "/tokens", developer, null).statusCode()).isEqualTo(403);
    }

    @Test
    void aTokenScopedToOneVirtualServerCannotReachAnyOtherEndpoint() throws Exception {
        String scoped = token("cursor-user", "developer", "mcp:server/demo");
        assertThat(Tokens.initialize(base + "/servers/demo/mcp", scoped).statusCode()).isEqualTo(200);
        HttpResponse<String> all = Tokens.initialize(base + "/mcp", scoped);
        assertThat(all.statusCode()).isEqualTo(403);
        assertThat(all.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"mcp\"");
        assertThat(Tokens.initialize(base + "/gateways/everything/mcp", scoped).statusCode()).isEqualTo(403);
        assertThat(Tokens.send("POST", base + "/rpc", scoped, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").statusCode())
                .isEqualTo(403);
        assertThat(Tokens.send("GET", base + "/sse", scoped, null).statusCode()).isEqualTo(403);
    }

    @Test
    void aTokenLimitedToNamedToolsSeesAndCallsOnlyThose() throws Exception {
        String limited = token("narrow", "developer", "mcp tool:everything__echo");
        HttpResponse<String> init = Tokens.initialize(base + "/mcp", limited);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        JsonNode tools = json(send(base + "/mcp", limited, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"));
        assertThat(tools.path("result").path("tools")).extracting(t -> t.path("name").asString()).containsExactly("everything__echo");
        JsonNode refused = json(send(base + "/mcp", limited, session,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"everything__get-sum\",\"arguments\":{\"a\":1,\"b\":2}}}"));
        assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32005);
        assertThat(refused.path("error").path("message").asString()).contains("may not call everything__get-sum");
        // an unlimited token sees more than the one tool
        String wide = token("wide", "developer", null);
        String wideSession = Tokens.initialize(base + "/mcp", wide).headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(json(send(base + "/mcp", wide, wideSession, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"))
                .path("result").path("tools").size()).isGreaterThan(1);
    }

    @Test
    void anotherPrincipalCannotUseSomeoneElsesSession() throws Exception {
        String alice = token("alice", "developer", null);
        String bob = token("bob", "developer", null);
        String session = Tokens.initialize(base + "/mcp", alice).headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> stolen = send(base + "/mcp", bob, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertThat(stolen.statusCode()).isEqualTo(404);
        assertThat(send(base + "/mcp", alice, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void basicCredentialsOpenTheAdminPageAndNothingElse() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString("admin:ui-password-123".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> page = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin")).header("Authorization", basic)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h2>Upstreams").contains("data-upstream=\"everything\"");
        HttpResponse<String> api = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/gateways")).header("Authorization", basic)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(json(api).path("message").asString()).contains("only by the admin UI");
        String wrong = "Basic " + Base64.getEncoder().encodeToString("admin:guess".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> denied = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/admin")).header("Authorization", wrong)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.headers().allValues("WWW-Authenticate")).anyMatch(h -> h.startsWith("Basic realm="));
    }

    @Test
    void healthIsOpenButItsDetailsNeedAdminRead() throws Exception {
        JsonNode open = json(Tokens.send("GET", base + "/health", null, null));
        assertThat(open.path("status").asString()).isEqualTo("healthy");
        assertThat(open.path("upstreams").path("everything").path("status").asString()).isEqualTo("ready");
        assertThat(open.path("upstreams").path("everything").has("pid")).isFalse();
        assertThat(open.path("upstreams").path("everything").has("transport")).isFalse();
        JsonNode forged = json(Tokens.send("GET", base + "/health", "not-a-token", null));
        assertThat(forged.path("upstreams").path("everything").has("pid")).isFalse();
        JsonNode detailed = json(Tokens.send("GET", base + "/health", admin(), null));
        assertThat(detailed.path("upstreams").path("everything").path("pid").asLong()).isPositive();
        assertThat(detailed.path("upstreams").path("everything").path("transport").asString()).isEqualTo("stdio");
    }

    @Test
    void everyAnswerCarriesSecurityHeadersAndNoCorsUnlessConfigured() throws Exception {
        HttpResponse<String> r = Tokens.send("GET", base + "/gateways", admin(), null);
        assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-ancestors 'none'");
        HttpResponse<String> preflight = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void oversizedBodiesDeepNestingAndHugeHeadersAreRefusedClearly() throws Exception {
        String token = admin();
        String huge = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}}";
        HttpResponse<String> tooLarge = Tokens.send("POST", base + "/rpc", token, huge);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        // /rpc is an MCP path: the refusal is a JSON-RPC error like every other answer there
        assertThat(json(tooLarge).path("error").path("message").asString()).contains("limited to 8 MiB");

        String deep = "[".repeat(5000) + "]".repeat(5000);
        HttpResponse<String> nested = Tokens.send("POST", base + "/rpc", token, deep);
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(json(nested).path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(json(nested).path("error").path("message").asString()).containsIgnoringCase("nesting depth");

        HttpResponse<String> header = RawMcp.HTTP.send(HttpRequest.newBuilder(URI.create(base + "/gateways"))
                .header("Authorization", "Bearer " + token).header("X-Padding", "y".repeat(20 * 1024)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(header.statusCode()).isEqualTo(431);
        assertThat(json(header).path("message").asString()).contains("headers are limited to 16 KiB");
    }

    @Test
    void upstreamCredentialsAreEncryptedAtRestAndMaskedInAnswers() throws Exception {
        String secret = "upstream-api-key-" + System.nanoTime();
        HttpResponse<String> created = Tokens.send("POST", base + "/gateways", admin(), """
                {"name":"vault","transport":"stdio","command":["true"],"env":{"API_KEY":"%s"},"enabled":false}""".formatted(secret));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(secret);
        assertThat(Tokens.send("GET", base + "/gateways/vault", admin(), null).body()).doesNotContain(secret).contains("***");
        try (var db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("mcp.db"));
             var rows = db.createStatement().executeQuery("SELECT spec FROM gateways WHERE name = 'vault'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString("spec")).doesNotContain(secret).contains("enc:v2:");
        }
        HttpResponse<String> export = Tokens.send("GET", base + "/export?include_secrets=true", admin(), null);
        assertThat(export.body()).contains(secret); // decrypted for the operator who asks
    }

    static HttpResponse<String> send(String url, String token, String session, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("Authorization", "Bearer " + token)
                .header("Mcp-Session-Id", session).POST(HttpRequest.BodyPublishers.ofString(body));
        return RawMcp.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
