package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The audit file gets one JSON line per security event (failed logins, tokens issued and revoked, registry changes,
 * tool calls with who, what, where, outcome and latency), and no secret reaches any log: every line written while a
 * flow full of secrets runs — at DEBUG — is searched for them.
 */
class AuditTest {

    static final String SECRET = "audit-secret-0123456789-abcdefghijklmno";

    @Test
    void securityEventsAreAuditedAndNoSecretReachesAnyLog() throws Exception {
        Path dir = Files.createTempDirectory("forge-audit");
        Path auditFile = dir.resolve("audit.log");
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        Level before = root.getLevel();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        String admin = Tokens.hs256(SECRET, Tokens.claims("ops").claim("role", "admin").build());
        String forged = Tokens.hs256("not-the-secret-but-long-enough-0123456", Tokens.claims("mallory").build());
        String upstreamSecret = "upstream-header-secret-" + System.nanoTime();
        String issued;
        try (Gateway gateway = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of())
                .withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET, "AUDIT_LOG_PATH", auditFile.toString(),
                        "AUDIT_TOOL_ARGUMENTS", "true", "FORGE_ENCRYPTION_KEY", "audit-encryption-key-0123456789-abcdef"))))) {
            String base = TestGateways.baseUrl(gateway);
            assertThat(Tokens.send("GET", base + "/gateways", forged, null).statusCode()).isEqualTo(401);
            HttpResponse<String> token = Tokens.send("POST", base + "/tokens", admin, "{\"name\":\"agent\",\"sub\":\"agent-7\",\"role\":\"developer\"}");
            issued = Json.parse(token.body()).path("token").asString();
            String id = Json.parse(token.body()).path("id").asString();
            HttpResponse<String> call = Tokens.send("POST", base + "/rpc", issued, """
                    {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"hello","password":"p4ss-w0rd"}}}""");
            assertThat(call.body()).contains("Echo: hello");
            // a tool's failure is an answer like any other for the client, and an "error" outcome for the audit
            HttpResponse<String> failed = Tokens.send("POST", base + "/rpc", issued, """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"everything__get-sum","arguments":{"a":"x","b":2}}}""");
            assertThat(Json.parse(failed.body()).path("result").path("isError").asBoolean()).isTrue();
            assertThat(Tokens.send("POST", base + "/gateways", admin, """
                    {"name":"remote","url":"http://127.0.0.1:9/mcp","headers":{"Authorization":"Bearer %s"},"enabled":false}"""
                    .formatted(upstreamSecret)).statusCode()).isEqualTo(201);
            assertThat(Tokens.send("DELETE", base + "/tokens/" + id, admin, null).statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(auditFile) && Files.readString(auditFile).contains("token_revoked"));
            List<JsonNode> lines = Files.readAllLines(auditFile).stream().map(Json::parse).toList();
            assertThat(lines).extracting(l -> l.path("event").asString())
                    .contains("auth_failure", "token_issued", "tool_call", "registry_change", "token_revoked");
            JsonNode toolCall = lines.stream().filter(l -> l.path("event").asString().equals("tool_call")).findFirst().orElseThrow();
            assertThat(toolCall.path("subject").asString()).isEqualTo("agent-7");
            assertThat(toolCall.path("tool").asString()).isEqualTo("everything__echo");
            assertThat(toolCall.path("upstream").asString()).isEqualTo("everything");
            assertThat(toolCall.path("outcome").asString()).isEqualTo("ok");
            assertThat(toolCall.path("latency_ms").asDouble()).isPositive();
            assertThat(toolCall.path("arguments").path("message").asString()).isEqualTo("hello");
            assertThat(toolCall.path("arguments").path("password").asString()).isEqualTo("***");
            assertThat(lines).filteredOn(l -> l.path("tool").asString("").equals("everything__get-sum"))
                    .extracting(l -> l.path("outcome").asString()).containsExactly("error");
            JsonNode change = lines.stream().filter(l -> l.path("event").asString().equals("registry_change")
                    && l.path("path").asString().equals("/gateways")).findFirst().orElseThrow();
            assertThat(change.path("subject").asString()).isEqualTo("ops");
            assertThat(change.path("status").asInt()).isEqualTo(201);
        } finally {
            root.detachAppender(captured);
            root.setLevel(before);
        }
        String logs = captured.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
        String audit = Files.readString(auditFile);
        assertThat(logs).contains("everything"); // the capture did see the gateway's lines
        for (String secret : List.of(SECRET, admin, forged, issued, upstreamSecret, "p4ss-w0rd")) {
            assertThat(logs).as("main log").doesNotContain(secret);
            assertThat(audit).as("audit log").doesNotContain(secret);
        }
    }
}
