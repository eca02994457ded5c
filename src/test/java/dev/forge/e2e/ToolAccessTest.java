package dev.forge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.config.ServerRole;
import dev.forge.config.ServiceManagerConfig;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.TestGateways;
import dev.forge.support.Tokens;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A tool call is authorised by one rule whichever way it arrives: {@code tools/call} on an MCP endpoint, a meta-tool
 * calling for the session, or {@code POST /rpc}. The same refusal is the same error on all three.
 */
class ToolAccessTest {

    static final String SECRET = "tool-access-secret-0123456789-abcdefgh";
    static Gateway gateway;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(TestGateways.config(List.of(TestGateways.stdio("everything", Peers.everythingStdio())), List.of())
                .withSecurity(TestGateways.security(Map.of("JWT_SECRET", SECRET)))
                .withRoles(EnumSet.of(ServerRole.GATEWAY, ServerRole.TOOL_ROUTER), ServiceManagerConfig.none()));
        base = TestGateways.baseUrl(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String token(String subject, String scope) {
        return Tokens.hs256(SECRET, Tokens.claims(subject).claim("role", "developer").claim("scope", scope).build());
    }

    static JsonNode call(String url, String token, String session, String tool, String arguments) throws Exception {
        return Json.parse(SecurityTest.send(url, token, session, """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"%s","arguments":%s}}""".formatted(tool, arguments))
                .body());
    }

    @Test
    void aToolLimitedTokenIsRefusedTheSameWayDirectlyThroughAMetaToolAndOverRpc() throws Exception {
        String limited = token("narrow", "mcp tool:everything__echo tool:router__call_tool");
        String session = Tokens.initialize(base + "/mcp", limited).headers().firstValue("Mcp-Session-Id").orElseThrow();

        JsonNode direct = call(base + "/mcp", limited, session, "everything__get-sum", "{\"a\":1,\"b\":2}");
        JsonNode meta = call(base + "/mcp", limited, session, "router__call_tool",
                "{\"name\":\"everything__get-sum\",\"arguments\":{\"a\":1,\"b\":2}}");
        JsonNode rpc = Json.parse(Tokens.send("POST", base + "/rpc", limited, """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"everything__get-sum","arguments":{"a":1,"b":2}}}""")
                .body());

        assertThat(direct.path("error").path("code").asInt()).isEqualTo(-32005);
        assertThat(direct.path("error").path("message").asString())
                .isEqualTo("Forbidden: this token may not call everything__get-sum (insufficient_scope: it lists the tools it may call)");
        assertThat(meta).isEqualTo(direct);
        assertThat(rpc).isEqualTo(direct);
    }

    @Test
    void aToolLimitedTokenThatDoesNotNameAMetaToolIsRefusedIt() throws Exception {
        String limited = token("no-meta", "mcp tool:everything__echo");
        String session = Tokens.initialize(base + "/mcp", limited).headers().firstValue("Mcp-Session-Id").orElseThrow();

        JsonNode listed = Json.parse(SecurityTest.send(base + "/mcp", limited, session,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}").body());
        assertThat(listed.path("result").path("tools")).extracting(t -> t.path("name").asString()).containsExactly("everything__echo");
        JsonNode refused = call(base + "/mcp", limited, session, "router__call_tool",
                "{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"hi\"}}");
        assertThat(refused.path("error").path("message").asString())
                .isEqualTo("Forbidden: this token may not call router__call_tool (insufficient_scope: it lists the tools it may call)");
    }

    @Test
    void theToolATokenNamesIsCalledTheSameWayOnAllThree() throws Exception {
        String limited = token("narrow-ok", "mcp tool:everything__echo tool:router__call_tool");
        String session = Tokens.initialize(base + "/mcp", limited).headers().firstValue("Mcp-Session-Id").orElseThrow();

        JsonNode direct = call(base + "/mcp", limited, session, "everything__echo", "{\"message\":\"hi\"}");
        JsonNode meta = call(base + "/mcp", limited, session, "router__call_tool",
                "{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"hi\"}}");
        JsonNode rpc = Json.parse(Tokens.send("POST", base + "/rpc", limited, """
                {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"everything__echo","arguments":{"message":"hi"}}}""")
                .body());

        for (JsonNode answer : List.of(direct, meta, rpc)) {
            assertThat(answer.has("error")).as(answer.toString()).isFalse();
            assertThat(answer.path("result").toString()).contains("hi");
        }
    }
}
