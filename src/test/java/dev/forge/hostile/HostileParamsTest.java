package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.Gateway;
import dev.forge.protocol.Json;
import dev.forge.support.Peers;
import dev.forge.support.RawMcp;
import dev.forge.support.TestGateways;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Well-formed requests with params of the wrong type. Each is the client's error, answered at once as Invalid params
 * (-32602) naming the field: not an internal error, not an upstream's validator dump, not a wait for a timeout.
 */
class HostileParamsTest {

    static Gateway gateway;
    static RawMcp.Session session;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateways.start(List.of(TestGateways.stdio("everything", Peers.everythingStdio())));
        session = RawMcp.Session.open(TestGateways.baseUrl(gateway) + "/mcp");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) gateway.close();
    }

    static JsonNode error(String method, String params) throws Exception {
        HttpResponse<String> response = session.sendAsync("{\"jsonrpc\":\"2.0\",\"id\":41,\"method\":\"" + method
                + "\",\"params\":" + params + "}").get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.parse(response.body());
        assertThat(body.get("id").asInt()).isEqualTo(41);
        return body.get("error");
    }

    @Test
    void aCursorThatIsNotAStringIsInvalidParamsNotAnInternalError() throws Exception {
        JsonNode error = error("tools/list", "{\"cursor\":{}}");
        assertThat(error.get("code").asInt()).isEqualTo(-32602);
        assertThat(error.get("message").asString()).isEqualTo("Invalid params: cursor is OBJECT (expected: a string this server issued)");
    }

    @Test
    void metaThatIsNotAnObjectIsRefusedAtOnceInsteadOfWaitingForTheUpstreamTimeout() throws Exception {
        long started = System.nanoTime();
        JsonNode error = error("tools/call", "{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"x\"},\"_meta\":[]}");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(error.get("code").asInt()).isEqualTo(-32602);
        assertThat(error.get("message").asString()).isEqualTo("Invalid params: _meta is ARRAY (expected: an object)");
    }

    @Test
    void toolArgumentsOrATaskThatIsNotAnObjectIsInvalidParamsNamingTheField() throws Exception {
        JsonNode arguments = error("tools/call", "{\"name\":\"everything__echo\",\"arguments\":[]}");
        assertThat(arguments.get("code").asInt()).isEqualTo(-32602);
        assertThat(arguments.get("message").asString()).isEqualTo("Invalid params: arguments is ARRAY (expected: an object)");

        JsonNode task = error("tools/call", "{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"x\"},\"task\":5}");
        assertThat(task.get("code").asInt()).isEqualTo(-32602);
        assertThat(task.get("message").asString()).isEqualTo("Invalid params: task is NUMBER (expected: an object)");
    }
}
