package dev.forge.transport;

import dev.forge.auth.Principal;
import dev.forge.session.SessionLimitException;
import dev.forge.catalog.Catalog;
import dev.forge.dispatch.Failures;
import dev.forge.dispatch.McpHandler;
import dev.forge.protocol.Json;
import dev.forge.protocol.JsonRpcError;
import dev.forge.protocol.JsonRpcException;
import dev.forge.protocol.Message;
import dev.forge.session.ClientSession;
import dev.forge.session.SessionStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /rpc}: one JSON-RPC request, one JSON answer, no session (as ContextForge offers for scripts). Each
 * request gets a session that lives only for its own duration and sees every upstream.
 */
public final class PlainRpcEndpoint {

    private final Inbound inbound;
    private final SessionStore sessions;
    private final Duration deadline;

    public PlainRpcEndpoint(McpHandler handler, SessionStore sessions, Duration requestTimeout) {
        this.inbound = new Inbound(handler);
        this.sessions = sessions;
        this.deadline = Inbound.answerDeadline(requestTimeout);
    }

    public void post(Context ctx) {
        JsonNode body;
        Message message;
        byte[] bytes = HttpBodies.read(ctx);
        if (Batches.isBatch(bytes)) { // refused before it becomes a tree, however many entries it has
            Batches.refuse(ctx, bytes);
            return;
        }
        try {
            body = Json.parse(bytes);
            TraceParent.adopt(ctx, body);
            message = Message.of(body);
        } catch (JsonRpcException e) {
            HttpErrors.reply(ctx, 400, e.error().code(), e.getMessage());
            return;
        }
        if (!(message instanceof Message.Request request)) {
            ctx.status(202);
            return;
        }
        ClientSession session;
        try {
            session = sessions.create(Catalog.ALL, Principal.of(ctx));
        } catch (SessionLimitException e) {
            HttpErrors.reply(ctx, 429, request.id(), JsonRpcError.RATE_LIMITED, e.getMessage());
            return;
        }
        try {
            session.markInitialized();
            ObjectNode response;
            try {
                response = inbound.accept(session, request, false).response().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                response = Message.error(request.id(), new JsonRpcError(JsonRpcError.REQUEST_TIMEOUT, "Request timed out")).node();
            } catch (ExecutionException e) { // a failure is its own error, not a timeout
                response = Message.error(request.id(), Failures.toError(e)).node();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response = Message.error(request.id(), new JsonRpcError(JsonRpcError.INTERNAL_ERROR, "Interrupted")).node();
            }
            HttpBodies.json(ctx, 200, Json.bytes(response));
        } finally {
            sessions.remove(session.id());
        }
    }
}
