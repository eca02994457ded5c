package dev.forge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge.catalog.Catalog;
import dev.forge.config.BatchLimits;
import dev.forge.dispatch.McpHandler;
import dev.forge.protocol.Json;
import dev.forge.protocol.Message;
import dev.forge.session.InMemorySessionStore;
import dev.forge.support.RawMcp;
import dev.forge.transport.Batches;
import dev.forge.transport.StreamableHttpEndpoint;
import io.javalin.Javalin;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A handler that throws, on the caller's thread or on a worker's, in front of the real transport: the request that
 * hit it is answered at once with -32603 and its own id, naming nothing internal, and it no longer counts as in flight.
 */
class HostileHandlerFailuresTest {

    static final String SECRET_DETAIL = "connection string jdbc:secret@10.0.0.7";

    static ScheduledExecutorService scheduler;
    static InMemorySessionStore sessions;
    static Javalin app;
    static String url;

    @BeforeAll
    static void start() {
        McpHandler handler = (session, inFlight, request) -> switch (request.method()) {
            case "initialize" -> CompletableFuture.completedFuture(Message.result(request.id(), Json.object()
                    .put("protocolVersion", "2025-11-25")).node());
            case "tools/list" -> throw new IllegalStateException(SECRET_DETAIL);
            default -> CompletableFuture.supplyAsync(() -> {
                throw new IllegalStateException(SECRET_DETAIL);
            });
        };
        scheduler = Executors.newSingleThreadScheduledExecutor();
        sessions = new InMemorySessionStore(Clock.systemUTC(), Duration.ofMinutes(5), 100, scheduler);
        StreamableHttpEndpoint endpoint = new StreamableHttpEndpoint(handler, sessions, scope -> true,
                Duration.ofSeconds(10), new Batches(BatchLimits.defaults(), (ctx, entries) -> true));
        app = Javalin.create(c -> c.routes.post("/mcp", ctx -> endpoint.post(ctx, Catalog.ALL))).start("127.0.0.1", 0);
        url = "http://127.0.0.1:" + app.port() + "/mcp";
    }

    @AfterAll
    static void stop() {
        app.stop();
        scheduler.shutdownNow();
    }

    static void assertInternalErrorNamingNothing(JsonNode answer, int id) {
        assertThat(answer.get("id").asInt()).isEqualTo(id);
        assertThat(answer.at("/error/code").asInt()).isEqualTo(-32603);
        assertThat(answer.at("/error/message").asString()).startsWith("Internal error (reference ")
                .doesNotContain("jdbc").doesNotContain("IllegalStateException");
    }

    @Test
    void aHandlerThatThrowsOnTheCallersThreadAnswersThatRequestAndEndsIt() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(url);
        HttpResponse<String> response = session.send("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertInternalErrorNamingNothing(Json.parse(response.body()), 5);
        assertThat(sessions.find(session.id()).inFlightCount()).isZero();
    }

    @Test
    void aFailureOnAWorkerThreadAnswersEachBatchEntryWithItsOwnId() throws Exception {
        RawMcp.Session session = RawMcp.Session.open(url);
        HttpResponse<String> response = session.send("""
                [{"jsonrpc":"2.0","id":7,"method":"prompts/list"},{"jsonrpc":"2.0","id":8,"method":"tools/list"}]""");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answers = Json.parse(response.body());
        assertInternalErrorNamingNothing(answers.get(0), 7);
        assertInternalErrorNamingNothing(answers.get(1), 8);
    }
}
