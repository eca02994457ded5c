package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.support.ConsoleBrowserTest;
import dev.forge.support.RawMcp;
import dev.forge.support.TwoReplicas;
import dev.forge.support.TestGateways;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console behind replicas that share Redis, over plain HTTP, as a balancer that is not sticky would send a
 * browser's requests: signed in through replica A, the browser is signed in on replica B, a form A rendered is
 * accepted by B, and signing out on B signs it out on A. Redis holds neither the cookie nor the credential.
 */
class ReplicatedConsoleTest {

    static Gateway a;
    static Gateway b;
    static TwoReplicas replicas;

    @BeforeAll
    static void start() throws Exception {
        replicas = TwoReplicas.start("forge_console", database -> TestGateways.config(List.of(), List.of())
                .withDatabase(database)
                .withSecurity(TestGateways.security(Map.of("REDIS_URL", "redis://127.0.0.1:6379/0", "JWT_SECRET",
                        ConsoleBrowserTest.SECRET, "AUTH_RATE_LIMIT_PER_MINUTE", "100000", "RATE_LIMIT_PER_MINUTE", "0"))));
        a = replicas.a();
        b = replicas.b();
    }

    @AfterAll
    static void stop() throws Exception {
        if (replicas != null) replicas.close();
    }

    @Test
    void aBrowserSignedInThroughOneReplicaIsSignedInOnTheOtherUntilItSignsOutThere() throws Exception {
        String token = ConsoleBrowserTest.token("ops@example.com", "admin");
        HttpResponse<String> form = send(a, "GET", "/admin/login", null, null);
        String csrfCookie = cookie(form, "forge_csrf");
        HttpResponse<String> signedIn = send(a, "POST", "/admin/login", "forge_csrf=" + csrfCookie,
                "_csrf=" + csrfCookie + "&next=%2Fadmin%2Fgateways&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        String signIn = cookie(signedIn, "forge_console");

        HttpResponse<String> onB = send(b, "GET", "/admin/gateways", "forge_console=" + signIn, null);
        assertThat(onB.statusCode()).as("replica B knows the sign-in made on A").isEqualTo(200);
        assertThat(onB.body()).contains("ops@example.com");

        try (RedisClient client = RedisClient.create("redis://127.0.0.1:6379/0");
             StatefulRedisConnection<String, String> redis = client.connect()) {
            List<String> keys = redis.sync().keys("forge:console:*");
            assertThat(keys).isNotEmpty().noneMatch(k -> k.contains(signIn));
            for (String key : keys) {
                assertThat(redis.sync().hgetall(key).toString()).as("what Redis holds of a sign-in")
                        .doesNotContain(signIn).doesNotContain(token).doesNotContain(token.substring(0, 20));
            }
        }

        // the form A rendered is accepted by B (both replicas share this JVM here, so this shows the token depends on
        // the sign-in alone, not that no process secret is involved: Csrf keys it with the cookie, by construction)
        String csrf = field(send(a, "GET", "/admin/gateways", "forge_console=" + signIn, null).body(), "_csrf");
        HttpResponse<String> refused = send(b, "POST", "/admin/logout", "forge_console=" + signIn, "_csrf=not-the-token");
        assertThat(send(a, "GET", "/admin", "forge_console=" + signIn, null).statusCode())
                .as("a sign-out without the form's token is refused (%d), the sign-in holds", refused.statusCode()).isEqualTo(200);
        HttpResponse<String> signedOut = send(b, "POST", "/admin/logout", "forge_console=" + signIn, "_csrf=" + csrf);
        assertThat(signedOut.statusCode()).as(signedOut.body()).isIn(302, 303);
        HttpResponse<String> afterOnA = send(a, "GET", "/admin", "forge_console=" + signIn, null);
        assertThat(afterOnA.statusCode()).as("signed out on B, replica A sends the browser to sign in").isIn(302, 303);
        assertThat(afterOnA.headers().firstValue("Location").orElse("")).contains("/admin/login");
    }

    @Test
    void signingOutWhileRedisIsAwayClearsTheBrowserAndEndsTheSignInOnceRedisIsBack() throws Exception {
        try (dev.forge.support.TcpRelay relay = new dev.forge.support.TcpRelay(6379);
             Gateway alone = TestGateways.start(TestGateways.config(List.of(), List.of()).withSecurity(TestGateways.security(Map.of(
                     "REDIS_URL", "redis://127.0.0.1:" + relay.port() + "/0", "JWT_SECRET", ConsoleBrowserTest.SECRET,
                     "AUTH_RATE_LIMIT_PER_MINUTE", "100000", "RATE_LIMIT_PER_MINUTE", "0")))
                     .withConnectTimeout(java.time.Duration.ofSeconds(2)))) { // Redis's commands wait this long
            String token = ConsoleBrowserTest.token("ops@example.com", "admin");
            HttpResponse<String> form = send(alone, "GET", "/admin/login", null, null);
            String csrfCookie = cookie(form, "forge_csrf");
            String signIn = cookie(send(alone, "POST", "/admin/login", "forge_csrf=" + csrfCookie,
                    "_csrf=" + csrfCookie + "&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)), "forge_console");
            String csrf = field(send(alone, "GET", "/admin", "forge_console=" + signIn, null).body(), "_csrf");

            relay.cut();
            HttpResponse<String> out = send(alone, "POST", "/admin/logout", "forge_console=" + signIn, "_csrf=" + csrf);
            assertThat(out.statusCode()).as(out.body()).isEqualTo(303);
            assertThat(out.headers().allValues("Set-Cookie")).as("the browser's sign-in cookie is cleared")
                    .anyMatch(c -> c.startsWith("forge_console=;") && c.contains("Max-Age=0"));
            relay.restore();
            String record = "forge:console:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(java.util.HexFormat.of().parseHex(signIn)));
            try (RedisClient client = RedisClient.create("redis://127.0.0.1:6379/0");
                 StatefulRedisConnection<String, String> redis = client.connect()) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .until(() -> redis.sync().exists(record) == 0); // ended in Redis once it is back
            }
        }
    }

    @Test
    void aCookieNoReplicaGaveSignsNobodyIn() throws Exception {
        HttpResponse<String> made = send(b, "GET", "/admin", "forge_console=" + "ab".repeat(32), null);
        assertThat(made.statusCode()).isIn(302, 303);
        assertThat(made.headers().firstValue("Location").orElse("")).contains("/admin/login");
    }

    private static HttpResponse<String> send(Gateway replica, String method, String path, String cookies, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(TestGateways.baseUrl(replica) + path)).header("Accept", "text/html");
        if (cookies != null) {
            request.header("Cookie", cookies);
        }
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded").method(method, HttpRequest.BodyPublishers.ofString(form));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return RawMcp.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(HttpResponse<String> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).filter(v -> !v.isEmpty()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers().allValues("Set-Cookie")));
    }

    private static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a " + name + " field in the page").isTrue();
        return m.group(1);
    }
}
